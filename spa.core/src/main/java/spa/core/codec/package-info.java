/**
 * The fwknop 2.6 plaintext message codec, its field validation, unpadded base64 and digests.
 * Stable API for plugin authors: what is public here changes only with a release note.
 */
package spa.core.codec;
