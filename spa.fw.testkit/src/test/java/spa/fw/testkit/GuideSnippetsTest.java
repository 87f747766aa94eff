package spa.fw.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Java block of docs/writing-a-plugin.md compiles: the module and its classes as a module against spa's
 * modules, the test classes against the kit and JUnit, so the guide cannot drift from the API; its transcript
 * tests also run.
 */
class GuideSnippetsTest {
  private static final Path GUIDE = Path.of("../docs/writing-a-plugin.md");
  private static final Pattern BLOCK = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL);
  private static final Pattern TYPE = Pattern.compile("(?m)^(?:public )?(?:final )?(?:class|record|interface) (\\w+)");
  private static final Pattern PACKAGE = Pattern.compile("(?m)^package ([\\w.]+);");

  @Test
  void everyJavaBlockOfTheGuideCompiles(@TempDir Path dir) throws Exception {
    String guide = Files.readString(GUIDE);
    Path main = Files.createDirectories(dir.resolve("main"));
    Path test = Files.createDirectories(dir.resolve("test"));
    List<String> mainSources = new ArrayList<>();
    List<String> testSources = new ArrayList<>();
    Matcher m = BLOCK.matcher(guide);
    while (m.find()) {
      String code = m.group(1);
      Path file;
      if (Pattern.compile("(?m)^module ").matcher(code).find()) {
        file = main.resolve("module-info.java");
      } else {
        Matcher t = TYPE.matcher(code);
        Matcher p = PACKAGE.matcher(code);
        assertTrue(t.find() && p.find(), "a block without a package and a type:\n" + code);
        boolean isTest = code.contains("org.junit") || code.contains("spa.fw.testkit");
        file = (isTest ? test : main).resolve(p.group(1).replace('.', '/')).resolve(t.group(1) + ".java");
        Files.createDirectories(file.getParent());
      }
      Files.writeString(file, code);
      (file.startsWith(test) ? testSources : mainSources).add(file.toString());
    }
    assertTrue(mainSources.size() >= 2 && testSources.size() >= 2, "the guide's blocks: " + mainSources + testSources);

    String modulePath = System.getProperty("jdk.module.path");
    String path = modulePath != null ? modulePath : System.getProperty("java.class.path");
    Path mainOut = dir.resolve("main-classes");
    compile(mainOut, List.of("--module-path", path), mainSources);
    // tests are compiled as a plugin's test build would put them: the kit, JUnit and the plugin on the class path
    Path testOut = dir.resolve("test-classes");
    compile(testOut, List.of("-classpath", path + File.pathSeparator + mainOut), testSources);

    // the transcript tests need no firewall: they run too
    try (URLClassLoader loader = new URLClassLoader(new URL[] {mainOut.toUri().toURL(), testOut.toUri().toURL()},
        getClass().getClassLoader())) {
      Class<?> c = loader.loadClass("example.fw.acl.AclTranscriptTest");
      Constructor<?> make = c.getDeclaredConstructor();
      make.setAccessible(true);
      Object instance = make.newInstance();
      int ran = 0;
      for (Method t : c.getDeclaredMethods()) {
        if (t.isAnnotationPresent(Test.class)) {
          t.setAccessible(true);
          try {
            t.invoke(instance);
          } catch (InvocationTargetException e) {
            throw new AssertionError("the guide's " + t.getName() + " fails", e.getCause());
          }
          ran++;
        }
      }
      assertEquals(2, ran);
    }
  }

  private static void compile(Path out, List<String> options, List<String> sources) {
    ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow();
    List<String> args = new ArrayList<>(List.of("-d", out.toString(), "--release", "21", "-Xlint:all", "-Werror",
        "-Xlint:-options", "-Xlint:-missing-explicit-ctor"));
    args.addAll(options);
    args.addAll(sources);
    StringWriter err = new StringWriter();
    int status = javac.run(new PrintWriter(err), new PrintWriter(err), args.toArray(String[]::new));
    assertEquals(0, status, err.toString());
  }
}
