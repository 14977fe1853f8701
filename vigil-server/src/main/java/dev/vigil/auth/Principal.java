package dev.vigil.auth;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The caller behind a key. An agent key may be scoped to agent id patterns; other roles act
 * for every agent.
 *
 * @param name  the key's name from the configuration (safe to log; the key itself never is)
 * @param scope compiled glob patterns; empty means every agent
 */
public record Principal(String name, Role role, List<Pattern> scope) {

    public boolean mayActFor(String agent) {
        if (role != Role.AGENT || scope.isEmpty()) return true;
        for (Pattern p : scope) {
            if (p.matcher(agent).matches()) return true;
        }
        return false;
    }

    /** {@code billing-*} matches {@code billing-eu}; {@code ?} matches one character. */
    static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
