package spa.distribution.e2e;

import java.nio.file.Path;
import java.util.List;

/** The two clients that knock: the image's {@code bin/spa} and Debian's fwknop 2.6 client. */
enum Knocker {
  SPA, FWKNOP;

  /** The program and its fixed options; the test adds the request, destination, port and keys. */
  List<String> argv(Path image) {
    return this == SPA
        ? List.of(image.resolve("bin/spa").toString(), "--no-rc-file")
        : List.of("fwknop", "--no-save-args", "--no-rc-file");
  }
}
