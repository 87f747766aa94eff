/** Reads fwknop's ~/.fwknoprc and key files, and turns layered settings into a checked client configuration. */
package spa.client.rc;
