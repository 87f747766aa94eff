/** fwknop's GnuPG mode on Bouncy Castle: keys read from GnuPG homes, packets opened and sealed in the JVM. */
package spa.cipher.gpg;
