/**
 * Value types of the SPA protocol and of spa's decisions: messages, digests, modes, grants, packets.
 * Stable API for plugin authors: what is public here changes only with a release note.
 */
package spa.core;
