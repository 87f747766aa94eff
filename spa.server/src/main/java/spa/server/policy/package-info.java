/** The compiled access policy and the default Authorizer with fwknop's access-stanza semantics. */
package spa.server.policy;
