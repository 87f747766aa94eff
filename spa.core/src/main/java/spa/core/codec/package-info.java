/** The fwknop 2.6 plaintext message codec, its field validation, unpadded base64 and digests. */
package spa.core.codec;
