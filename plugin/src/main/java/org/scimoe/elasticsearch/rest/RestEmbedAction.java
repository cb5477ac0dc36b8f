package org.scimoe.elasticsearch.rest;

import static org.elasticsearch.rest.RestRequest.Method.POST;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.action.RestCancellableNodeClient;
import org.elasticsearch.rest.action.RestToXContentListener;
import org.elasticsearch.xcontent.XContentParser;
import org.scimoe.elasticsearch.action.EmbedAction;
import org.scimoe.elasticsearch.action.EmbedRequest;
import org.scimoe.embed.Role;

/** {@code POST _scimoe/_embed {"model"?, "texts": [...], "domain"?, "role"?}}: vectors and how each was made. */
public final class RestEmbedAction extends BaseRestHandler {

    @Override
    public String getName() {
        return "scimoe_embed";
    }

    @Override
    public List<Route> routes() {
        return List.of(new Route(POST, "/_scimoe/_embed"));
    }

    @Override
    protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) throws IOException {
        EmbedRequest embed = parse(request);
        // A client that hangs up cancels the request, and its texts still queued are dropped.
        return channel -> new RestCancellableNodeClient(client, request.getHttpChannel()).execute(EmbedAction.INSTANCE, embed,
                new RestToXContentListener<>(channel));
    }

    static EmbedRequest parse(RestRequest request) throws IOException {
        if (request.hasContent() == false) {
            throw new IllegalArgumentException("_scimoe/_embed needs a body: {\"texts\": [...], \"model\"?, \"domain\"?, \"role\"?}");
        }
        Map<String, Object> body;
        try (XContentParser parser = request.contentParser()) {
            body = parser.map();
        }
        String model = optionalString(body, "model");
        String domain = optionalString(body, "domain");
        String roleName = optionalString(body, "role");
        Role role = roleName == null ? Role.DOCUMENT : parseRole(roleName);
        Object texts = body.remove("texts");
        if ((texts instanceof List<?>) == false) {
            throw new IllegalArgumentException("texts: must be a list of strings");
        }
        List<?> list = (List<?>) texts;
        List<String> values = new ArrayList<>();
        for (Object item : list) {
            if ((item instanceof String) == false) {
                throw new IllegalArgumentException("texts: item " + values.size() + " is not a string");
            }
            values.add((String) item);
        }
        if (body.isEmpty() == false) {
            throw new IllegalArgumentException("unknown field(s) " + body.keySet() + "; expected texts, model, domain, role");
        }
        return new EmbedRequest(model, values, domain, role);
    }

    private static Role parseRole(String name) {
        try {
            return Role.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("role: must be query or document, not '" + name + "'");
        }
    }

    private static String optionalString(Map<String, Object> body, String key) {
        Object value = body.remove(key);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw new IllegalArgumentException(key + ": must be a string");
    }
}
