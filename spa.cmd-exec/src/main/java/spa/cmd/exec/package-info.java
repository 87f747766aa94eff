/** Runs external commands (firewall tools, SPA command messages) as argv lists with time limits and captured output. */
package spa.cmd.exec;
