/** fwknop-compatible Rijndael: AES-256 with OpenSSL's MD5 key derivation, PKCS#7 padding and encrypt-then-MAC. */
package spa.cipher.aes;
