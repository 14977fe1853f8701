package dev.vigil.cli;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;

/**
 * The jar's Main-Class, compiled for Java 8 (its own source root, {@code src/main/launcher}) so
 * that any {@code java} can load it. On Java 21 or newer it hands over to {@link Main}; on an
 * older one it says in one sentence which Java is needed and how to run it, where the JVM would
 * otherwise print an {@code UnsupportedClassVersionError} about class file versions.
 */
public final class Launcher {
    /** The Java release the rest of Vigil is compiled for ({@code maven.compiler.release}). */
    static final int REQUIRED = 21;

    private Launcher() {}

    public static void main(String[] args) throws Throwable {
        int feature = feature(System.getProperty("java.specification.version"));
        if (feature < REQUIRED) {
            System.err.println(message(feature, System.getProperty("java.home"), System.getProperty("sun.java.command"),
                    installedJdk(new File("/usr/lib/jvm"))));
            System.exit(1);
        }
        try {
            Class.forName("dev.vigil.cli.Main").getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** The feature release of a {@code java.specification.version}: "1.8" is 8, "17" is 17. */
    static int feature(String specification) {
        if (specification == null) return 0;
        String s = specification.startsWith("1.") ? specification.substring(2) : specification;
        int end = 0;
        while (end < s.length() && Character.isDigit(s.charAt(end))) end++;
        return end == 0 ? 0 : Integer.parseInt(s.substring(0, end));
    }

    /**
     * One sentence: the Java needed, the one running, and the command line to run instead.
     *
     * @param command what was run ({@code sun.java.command}: the jar and its arguments), or null
     * @param jdk     a JDK 21+ found on this machine to suggest, or null
     */
    static String message(int feature, String javaHome, String command, String jdk) {
        String jar = command != null && command.contains(".jar") ? command : "vigil.jar";
        return "Vigil needs Java " + REQUIRED + " or newer, but this is Java " + feature + " (" + javaHome + "): "
                + "point JAVA_HOME at a JDK " + REQUIRED + "+ and run \"$JAVA_HOME/bin/java\" -jar " + jar
                + (jdk != null ? ", e.g. with JAVA_HOME=" + jdk + " (installed here)." : ".");
    }

    /** The newest JDK of release 21 or later under {@code dir}, by its {@code release} file; null if none. */
    static String installedJdk(File dir) {
        File[] homes = dir.listFiles();
        if (homes == null) return null;
        Arrays.sort(homes);
        String best = null;
        int bestFeature = REQUIRED - 1;
        for (File home : homes) {
            File release = new File(home, "release");
            if (!release.isFile() || !new File(home, "bin/java").canExecute()) continue;
            try {
                for (String line : Files.readAllLines(release.toPath(), StandardCharsets.UTF_8)) {
                    if (!line.startsWith("JAVA_VERSION=")) continue;
                    int f = feature(line.substring("JAVA_VERSION=".length()).replace("\"", ""));
                    if (f > bestFeature) {
                        bestFeature = f;
                        best = home.getPath();
                    }
                }
            } catch (IOException | RuntimeException e) {
                // an unreadable JDK is no suggestion
            }
        }
        return best;
    }
}
