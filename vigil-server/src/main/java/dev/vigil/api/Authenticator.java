package dev.vigil.api;

import dev.vigil.auth.KeyRing;
import dev.vigil.auth.Principal;
import dev.vigil.auth.Role;
import dev.vigil.event.AgentIds;
import io.javalin.http.Context;
import io.javalin.security.RouteRole;
import java.util.Set;

/**
 * Checks the bearer key of every matched route that declares roles; routes without roles
 * ({@code /healthz}, {@code /readyz}) are open. The principal is left on the context for
 * handlers that check agent scope. The {@code {id}} of an agent route is held to {@link AgentIds}
 * here, before any handler (or stream) sees it.
 */
final class Authenticator {
    private static final String PRINCIPAL = "vigil.principal";

    private final KeyRing keys;

    Authenticator(KeyRing keys) {
        this.keys = keys;
    }

    void check(Context ctx) {
        Set<RouteRole> allowed = ctx.routeRoles();
        if (allowed.isEmpty()) return;
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiException(401, "missing API key: send Authorization: Bearer <key>");
        }
        Principal principal = keys.authenticate(header.substring(7).trim()).orElseThrow(() -> {
            ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            return new ApiException(401, "unknown API key");
        });
        boolean permitted = allowed.stream().anyMatch(r -> principal.role().covers((Role) r));
        if (!permitted) {
            throw new ApiException(403, "key '" + principal.name() + "' has role " + principal.role().name().toLowerCase()
                    + "; this needs " + lowest(allowed));
        }
        ctx.attribute(PRINCIPAL, principal);
        String agent = ctx.pathParamMap().get("id");
        if (agent != null && ctx.endpoints().matchedHttpEndpoint() != null
                && ctx.endpoints().matchedHttpEndpoint().path.startsWith("/v1/agents/")) {
            // Every agent route holds {id} to the rule events are held to: what ingest refuses cannot be paused either.
            String problem = AgentIds.problem(agent);
            if (problem != null) throw new ApiException(400, "agent id in the path: " + problem);
            // An agent key reads only the control document of the agents it is scoped to.
            if (!principal.mayActFor(agent)) {
                throw new ApiException(403, "key '" + principal.name() + "' may not act for agent '" + agent + "'");
            }
        }
    }

    static Principal principal(Context ctx) {
        return ctx.attribute(PRINCIPAL);
    }

    private static String lowest(Set<RouteRole> roles) {
        return roles.stream().map(r -> (Role) r).min(Enum::compareTo).orElseThrow().name().toLowerCase();
    }
}
