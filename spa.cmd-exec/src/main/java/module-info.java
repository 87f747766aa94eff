/** The one command runner: argv lists, never a shell, timeouts, captured output, stdin input. */
module spa.cmd.exec {
  requires spa.core;
  requires org.apache.commons.exec;
  exports spa.cmd.exec;
}
