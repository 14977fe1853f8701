package dev.vigil.notify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;

/** POSTs JSON with a timeout and classifies the answer: 2xx delivered, 429 and 5xx and network errors retried, other 4xx not. */
public final class HttpDelivery {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpDelivery() {}

    public record Answer(Delivery delivery, String body) {}

    public static Answer post(String url, String json, Map<String, String> headers, Duration timeout) {
        HttpRequest.Builder b;
        try {
            b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json));
        } catch (IllegalArgumentException e) {
            return new Answer(Delivery.fail("bad URL: " + e.getMessage()), null);
        }
        headers.forEach(b::header);
        try {
            HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
            int status = r.statusCode();
            String host = URI.create(url).getHost();
            if (status / 100 == 2) return new Answer(Delivery.delivered(host + " answered " + status), r.body());
            String detail = host + " answered " + status + ": " + abbreviate(r.body());
            return new Answer(status == 429 || status >= 500 ? Delivery.retry(detail) : Delivery.fail(detail), r.body());
        } catch (HttpTimeoutException e) {
            return new Answer(Delivery.retry("timed out after " + timeout), null);
        } catch (IOException e) {
            return new Answer(Delivery.retry(describe(e, URI.create(url))), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(Delivery.retry("interrupted"), null);
        }
    }

    /** What went wrong on the network, naming the cause: the JDK's exceptions often carry no message. */
    static String describe(IOException e, URI url) {
        String where = url.getHost() + ":" + (url.getPort() != -1 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80);
        Throwable cause = e;
        while (cause.getCause() != null && cause.getMessage() == null) cause = cause.getCause();
        if (e instanceof java.net.ConnectException || cause instanceof java.net.ConnectException) return "connection refused to " + where;
        if (e instanceof java.net.http.HttpConnectTimeoutException) return "connecting to " + where + " timed out";
        if (cause instanceof java.nio.channels.UnresolvedAddressException || cause instanceof java.net.UnknownHostException) {
            return "unknown host " + url.getHost();
        }
        return "network error talking to " + where + ": " + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : " " + cause.getMessage());
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
