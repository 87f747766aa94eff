/**
 * The one place where spa starts a process: argv lists (never a shell), a time limit, captured
 * standard output and error, bytes on standard input, and a scrubbed environment; or a long-running
 * process whose output is read line by line as it comes.
 */
module spa.cmd.exec {
  requires spa.core;
  requires org.apache.commons.exec;
  exports spa.cmd.exec;
}
