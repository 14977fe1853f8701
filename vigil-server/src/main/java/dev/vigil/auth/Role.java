package dev.vigil.auth;

import io.javalin.security.RouteRole;

/**
 * Who may do what (DESIGN §6). Roles are ordered by reach: an operator may do everything an
 * agent may (for any agent), and an admin everything an operator may.
 */
public enum Role implements RouteRole {
    AGENT, OPERATOR, ADMIN;

    public boolean covers(Role required) {
        return compareTo(required) >= 0;
    }

    public static Role parse(String name) {
        for (Role r : values()) {
            if (r.name().equalsIgnoreCase(name)) return r;
        }
        throw new IllegalArgumentException("unknown role '" + name + "': expected agent, operator or admin");
    }
}
