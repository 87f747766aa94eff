/**
 * Runs external commands (firewall tools, SPA command messages) as argv lists with time limits and captured
 * output, and long-running ones whose output is read line by line ({@link spa.cmd.exec.StreamingProcess}).
 */
package spa.cmd.exec;
