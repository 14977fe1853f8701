package dev.vigil.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keys generated on first start when none is configured, so a fresh {@code vigil serve} is never
 * open to anyone on the network. Written to {@code <data>/credentials} readable by the owner only,
 * and read back on later starts.
 */
public final class Credentials {
    public static final String FILE_NAME = "credentials";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Credentials() {}

    /** Loads the credentials file in {@code dataDir}, creating it with fresh keys if absent. */
    public static Map<String, String> loadOrCreate(Path dataDir) {
        Path file = dataDir.resolve(FILE_NAME);
        try {
            if (!Files.exists(file)) {
                Map<String, String> keys = new LinkedHashMap<>();
                keys.put("VIGIL_ADMIN_KEY", newKey("adm"));
                keys.put("VIGIL_AGENT_KEY", newKey("agt"));
                StringBuilder text = new StringBuilder("# Vigil API keys generated on first start. Keep this file secret.\n");
                keys.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
                Files.createDirectories(dataDir);
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, text, StandardOpenOption.TRUNCATE_EXISTING);
                return keys;
            }
            Map<String, String> keys = new LinkedHashMap<>();
            for (String line : Files.readAllLines(file)) {
                int eq = line.indexOf('=');
                if (line.startsWith("#") || eq < 0) continue;
                keys.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
            return keys;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }

    public static String newKey(String prefix) {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return "vgl_" + prefix + "_" + HexFormat.of().formatHex(bytes);
    }
}
