/** fwknop's GnuPG mode on Bouncy Castle: OpenPGP encryption and signatures without a gpg program. */
module spa.cipher.gpg {
  requires spa.core;
  requires org.bouncycastle.provider;
  requires org.bouncycastle.pg;
  provides spa.core.spi.Encryptor with spa.cipher.gpg.GpgEncryptor;
  provides spa.core.spi.Decryptor with spa.cipher.gpg.GpgDecryptor;
}
