package dev.vigil.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.ExceptionHandler;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.sse.SseHandler;
import io.javalin.router.Endpoint;
import io.javalin.router.EndpointMetadata;
import io.javalin.router.JavalinDefaultRoutingApi;
import io.javalin.security.RouteRole;
import io.javalin.security.Roles;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsExceptionHandler;
import io.javalin.websocket.WsHandlerType;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Registers the API's routes, adding what Javalin leaves out:
 * <ul>
 *   <li>every GET route also answers HEAD through the same roles and handler (the body is not
 *       sent). Left to itself, Javalin answers HEAD on any GET path with an empty 200 before any
 *       before-handler runs: without a key, and "ready" whatever {@code /readyz} would say.</li>
 *   <li>a server-sent-events route refuses a request without {@code Accept: text/event-stream}
 *       with 406 and a JSON message, where Javalin answers an empty 200.</li>
 * </ul>
 */
final class ApiRoutes implements JavalinDefaultRoutingApi {
    static final String EVENT_STREAM = "text/event-stream";

    private final RoutesConfig routes;

    ApiRoutes(RoutesConfig routes) {
        this.routes = routes;
    }

    @Override
    public JavalinDefaultRoutingApi addEndpoint(Endpoint endpoint) {
        if (!HandlerType.GET.equals(endpoint.method)) {
            routes.addEndpoint(endpoint);
            return this;
        }
        Roles roles = endpoint.metadata(Roles.class);
        Set<EndpointMetadata> metadata = roles == null ? Set.of() : Set.of(roles);
        if (endpoint.handler instanceof SseHandler stream) {
            routes.addEndpoint(new Endpoint(HandlerType.GET, endpoint.path, ctx -> {
                requireEventStream(ctx);
                stream.handle(ctx);
            }, metadata));
            routes.addEndpoint(new Endpoint(HandlerType.HEAD, endpoint.path, ctx -> {
                requireEventStream(ctx);
                ctx.status(200).contentType(EVENT_STREAM);
            }, metadata));
        } else {
            routes.addEndpoint(endpoint);
            routes.addEndpoint(new Endpoint(HandlerType.HEAD, endpoint.path, endpoint.handler, metadata));
        }
        return this;
    }

    /** Javalin's own test for a stream request: the Accept header mentions the type. */
    static void requireEventStream(Context ctx) {
        String accept = ctx.header("Accept");
        if (accept == null || !accept.contains(EVENT_STREAM)) {
            throw new ApiException(406, "this is a server-sent events stream: send Accept: " + EVENT_STREAM);
        }
    }

    @Override
    public <E extends Exception> JavalinDefaultRoutingApi exception(Class<E> type, ExceptionHandler<? super E> handler) {
        routes.exception(type, handler);
        return this;
    }

    @Override
    public JavalinDefaultRoutingApi error(int status, String contentType, Handler handler) {
        routes.error(status, contentType, handler);
        return this;
    }

    @Override
    public <E extends Exception> JavalinDefaultRoutingApi wsException(Class<E> type, WsExceptionHandler<? super E> handler) {
        routes.wsException(type, handler);
        return this;
    }

    @Override
    public JavalinDefaultRoutingApi addWsHandler(WsHandlerType type, String path, Consumer<WsConfig> config, RouteRole... roles) {
        routes.addWsHandler(type, path, config, roles);
        return this;
    }
}
