package dev.vigil.auth;

import dev.vigil.config.VigilConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configured API keys, held only as SHA-256 hashes. A presented key is hashed and compared
 * with every entry using {@link MessageDigest#isEqual}, which takes the same time whether or not
 * (and where) the bytes differ, and the loop never exits early, so timing reveals nothing about
 * which key was close.
 */
public final class KeyRing {
    /** Environment variables that add a key of a role without a config file (tests, containers). */
    public static final Map<String, Role> ENV_KEYS = Map.of(
            "VIGIL_ADMIN_KEY", Role.ADMIN,
            "VIGIL_OPERATOR_KEY", Role.OPERATOR,
            "VIGIL_AGENT_KEY", Role.AGENT);

    private record Entry(byte[] hash, Principal principal) {}

    /**
     * The name a key from {@code VIGIL_OPERATOR_KEY} and the like acts under: what timelines,
     * feedback and control reasons record as the actor ("acknowledged by operator (env key)"),
     * so a person reads a role rather than a variable name.
     */
    public static String environmentKeyName(Role role) {
        return role.name().toLowerCase() + " (env key)";
    }

    /** The name of a key generated into {@code <data>/credentials} on first start. */
    public static String generatedKeyName(Role role) {
        return role.name().toLowerCase() + " (generated key)";
    }

    private final List<Entry> entries;

    private KeyRing(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public Optional<Principal> authenticate(String presentedKey) {
        byte[] hash = sha256(presentedKey);
        Principal match = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(hash, e.hash) && match == null) match = e.principal;
        }
        return Optional.ofNullable(match);
    }

    public static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private final List<Entry> entries = new ArrayList<>();

        public Builder configured(List<VigilConfig.Key> keys) {
            for (VigilConfig.Key k : keys) {
                Role role = Role.parse(k.role());
                if (role != Role.AGENT && !k.agents().isEmpty()) {
                    throw new IllegalArgumentException("auth.keys." + k.name() + ".agents: only agent keys are scoped to agents");
                }
                entries.add(new Entry(HexFormat.of().parseHex(k.sha256().toLowerCase()),
                        new Principal(k.name(), role, k.agents().stream().map(Principal::glob).toList())));
            }
            return this;
        }

        /** A key given in plain text (environment, generated credentials); only its hash is kept. */
        public Builder plain(String name, Role role, String key) {
            entries.add(new Entry(sha256(key), new Principal(name, role, List.of())));
            return this;
        }

        public Builder fromEnvironment(Map<String, String> env) {
            ENV_KEYS.forEach((variable, role) -> {
                String key = env.get(variable);
                if (key != null && !key.isBlank()) plain(environmentKeyName(role), role, key);
            });
            return this;
        }

        public KeyRing build() {
            return new KeyRing(entries);
        }
    }
}
