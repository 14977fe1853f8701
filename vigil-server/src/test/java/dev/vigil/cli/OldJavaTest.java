package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vigil on the JDKs it claims (21+) and on an older one (Java 17, Debian's default {@code java}):
 * the build's JVM options load on every JDK under {@code /usr/lib/jvm}; an old JDK gets one
 * sentence naming the Java needed and how to point {@code JAVA_HOME} at it, from {@code ./mvnw}
 * and from {@code java -jar vigil.jar} alike, instead of {@code Unrecognized option} or
 * {@code UnsupportedClassVersionError}. The old-JDK cases run where such a JDK is installed.
 */
class OldJavaTest {
    private static final Path ROOT = findRoot();
    private static final Path JVMS = Path.of("/usr/lib/jvm");

    @TempDir
    Path dir;

    @Test
    void theLauncherIsJava8BytecodeAndTheJarsMainClass() throws IOException {
        try (InputStream in = Launcher.class.getResourceAsStream("Launcher.class")) {
            byte[] header = in.readNBytes(8);
            assertThat(((header[6] & 0xff) << 8) | (header[7] & 0xff)).as("class file major version").isEqualTo(52);
        }
        assertThat(jarMainClass()).isEqualTo(Launcher.class.getName());
    }

    @Test
    void theMessageIsOneSentenceWithTheVersionAndTheCommandToRun() {
        assertThat(Launcher.feature("1.8")).isEqualTo(8);
        assertThat(Launcher.feature("17")).isEqualTo(17);
        assertThat(Launcher.feature("25.0.3")).isEqualTo(25);
        String m = Launcher.message(17, "/usr/lib/jvm/java-17", "vigil-server/target/vigil.jar demo", "/opt/jdk-25");
        assertThat(m).isEqualTo("Vigil needs Java 21 or newer, but this is Java 17 (/usr/lib/jvm/java-17): point JAVA_HOME at"
                + " a JDK 21+ and run \"$JAVA_HOME/bin/java\" -jar vigil-server/target/vigil.jar demo,"
                + " e.g. with JAVA_HOME=/opt/jdk-25 (installed here).");
        assertThat(Launcher.message(11, "/j", null, null)).endsWith("-jar vigil.jar.").doesNotContain("\n");
    }

    @Test
    void theSuggestedJdkIsTheNewestInstalledOneOf21OrLater() throws IOException {
        fakeJdk("java-17", "17.0.15");
        fakeJdk("jdk-21", "21.0.5");
        fakeJdk("temurin-25", "25.0.3");
        fakeJdk("broken", null);
        assertThat(Launcher.installedJdk(dir.toFile())).isEqualTo(dir.resolve("temurin-25").toString());
        Files.walk(dir.resolve("temurin-25")).sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        assertThat(Launcher.installedJdk(dir.toFile())).isEqualTo(dir.resolve("jdk-21").toString());
        assertThat(Launcher.installedJdk(dir.resolve("none").toFile())).isNull();
    }

    @Test
    void onThisJdkTheLauncherHandsOverToVigil() throws Exception {
        Run r = run(List.of(javaOf(Path.of(System.getProperty("java.home"))), "-cp", System.getProperty("java.class.path"),
                Launcher.class.getName(), "--version"), Map.of());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("vigil ");
    }

    @Test
    void theBuildsJvmOptionsLoadOnEveryInstalledJdk() throws Exception {
        List<String> options = List.of(Files.readString(ROOT.resolve(".mvn/jvm.config")).trim().split("\\s+"));
        List<Path> jdks = jdks(0, Integer.MAX_VALUE);
        assertThat(jdks).as("JDKs under " + JVMS).isNotEmpty();
        for (Path jdk : jdks) {
            List<String> command = new ArrayList<>(List.of(javaOf(jdk)));
            command.addAll(options);
            command.add("-version");
            Run r = run(command, Map.of());
            assertThat(r.exit()).as(jdk + ": " + r).isZero();
            assertThat(r.err()).doesNotContain("Unrecognized option");
        }
    }

    @Test
    void onJava17TheJarSaysWhichJavaItNeedsInOneSentence() throws Exception {
        Path old = oldJdk();
        Path jar = launcherJar();
        Run r = run(List.of(javaOf(old), "-jar", jar.toString(), "demo"), Map.of());
        assertOneSentence(r, "Vigil needs Java 21 or newer, but this is Java " + feature(old) + " (",
                "point JAVA_HOME at a JDK 21+ and run \"$JAVA_HOME/bin/java\" -jar " + jar + " demo");

        Path built = ROOT.resolve("vigil-server/target/vigil.jar");
        Path launcher = Path.of(Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("dev/vigil/cli/Launcher.class");
        if (Files.exists(built) && Files.getLastModifiedTime(built).compareTo(Files.getLastModifiedTime(launcher)) >= 0) {
            Run real = run(List.of(javaOf(old), "-jar", built.toString(), "serve"), Map.of());
            assertOneSentence(real, "Vigil needs Java 21 or newer", "-jar " + built + " serve");
        }
    }

    @Test
    void onJava17TheMavenWrapperSaysWhichJdkItNeedsInOneSentence() throws Exception {
        Path old = oldJdk();
        Run r = run(List.of("sh", ROOT.resolve("mvnw").toString(), "-B", "-q", "validate"), Map.of("JAVA_HOME", old.toString()));
        assertOneSentence(r, "Vigil builds with JDK 21 or newer, but this is Java " + feature(old) + ".",
                "point JAVA_HOME at a JDK 21+ (export JAVA_HOME=");
        // and the enforcer rule says the same to a plain mvn
        assertThat(Files.readString(ROOT.resolve("pom.xml")))
                .contains("<requireJavaVersion>").contains("<version>[21,)</version>")
                .contains("Vigil builds with JDK 21 or newer, but this Maven runs on Java ${java.version}");
    }

    private static void assertOneSentence(Run r, String start, String contains) {
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).as(r.toString()).isEmpty();
        assertThat(r.err().strip()).as(r.toString()).startsWith(start).contains(contains).doesNotContain("\n")
                .doesNotContain("UnsupportedClassVersionError").doesNotContain("Unrecognized option");
    }

    /** A jar like vigil.jar as far as an old JDK sees it: the shade plugin's Main-Class and the launcher. */
    private Path launcherJar() throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, jarMainClass());
        manifest.getMainAttributes().putValue("Multi-Release", "true");
        Path jar = dir.resolve("vigil.jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest);
             InputStream launcher = Launcher.class.getResourceAsStream("Launcher.class")) {
            out.putNextEntry(new JarEntry("dev/vigil/cli/Launcher.class"));
            launcher.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }

    private static String jarMainClass() throws IOException {
        Matcher m = Pattern.compile("ManifestResourceTransformer\">\\s*<mainClass>([^<]+)</mainClass>")
                .matcher(Files.readString(ROOT.resolve("vigil-server/pom.xml")));
        assertThat(m.find()).as("the shade plugin's mainClass").isTrue();
        return m.group(1);
    }

    private static Path oldJdk() throws IOException {
        List<Path> old = jdks(8, 20);
        assumeTrue(!old.isEmpty(), "no JDK older than 21 under " + JVMS + " (Debian's openjdk-17-jdk-headless provides one)");
        return old.get(0);
    }

    /** The JDKs under /usr/lib/jvm whose release is between from and to, by their release file. */
    private static List<Path> jdks(int from, int to) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(JVMS)) return out;
        try (var homes = Files.list(JVMS)) {
            for (Path home : homes.sorted().toList()) {
                if (!Files.isRegularFile(home.resolve("release")) || !Files.isExecutable(home.resolve("bin/java"))) continue;
                if (out.stream().anyMatch(p -> sameJdk(p, home))) continue; // Debian links one JDK under several names
                int f = feature(home);
                if (f >= from && f <= to) out.add(home);
            }
        }
        return out;
    }

    private static boolean sameJdk(Path a, Path b) {
        try {
            return a.toRealPath().equals(b.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    private static int feature(Path jdk) {
        try {
            for (String line : Files.readAllLines(jdk.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) return Launcher.feature(line.substring(13).replace("\"", ""));
            }
        } catch (IOException e) {
            // no release file: not a JDK we can judge
        }
        return 0;
    }

    private void fakeJdk(String name, String version) throws IOException {
        Path home = Files.createDirectories(dir.resolve(name).resolve("bin"));
        Path java = Files.writeString(home.resolve("java"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (version != null) Files.writeString(dir.resolve(name).resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
    }

    private static String javaOf(Path jdk) {
        return jdk.resolve("bin/java").toString();
    }

    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\nstdout: " + out + "\nstderr: " + err;
        }
    }

    private Run run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile());
        pb.environment().putAll(env);
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("still running after 60 s: " + command);
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static Path findRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("mvnw")) && Files.exists(p.resolve(".mvn/jvm.config"))) return p;
        }
        throw new IllegalStateException("no mvnw above " + Path.of("").toAbsolutePath());
    }
}
