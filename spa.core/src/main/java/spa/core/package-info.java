/** Value types of the SPA protocol and of spa's decisions: messages, digests, modes, grants, packets. */
package spa.core;
