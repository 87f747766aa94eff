/** Rijndael/AES-256 with OpenSSL key derivation and HMAC, encrypt-then-MAC, fwknop-compatible. */
module spa.cipher.aes {
  requires spa.core;
  provides spa.core.spi.Encryptor with spa.cipher.aes.AesEncryptor;
  provides spa.core.spi.Decryptor with spa.cipher.aes.AesDecryptor;
}
