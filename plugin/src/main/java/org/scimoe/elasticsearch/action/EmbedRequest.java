package org.scimoe.elasticsearch.action;

import java.util.List;
import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.support.TransportAction;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.scimoe.embed.Role;

/** Texts to embed with one model, one optional domain, as queries or documents. Local to the node. */
public final class EmbedRequest extends ActionRequest {
    private final String model;
    private final List<String> texts;
    private final String domain;
    private final Role role;

    public EmbedRequest(String model, List<String> texts, String domain, Role role) {
        this.model = model;
        this.texts = texts == null ? List.of() : List.copyOf(texts);
        this.domain = domain;
        this.role = role;
    }

    public String model() {
        return model;
    }

    public List<String> texts() {
        return texts;
    }

    public String domain() {
        return domain;
    }

    public Role role() {
        return role;
    }

    @Override
    public ActionRequestValidationException validate() {
        ActionRequestValidationException e = null;
        if (texts.isEmpty()) {
            e = new ActionRequestValidationException();
            e.addValidationError("texts: give at least one text");
        }
        if (role == null) {
            e = e == null ? new ActionRequestValidationException() : e;
            e.addValidationError("role: must be query or document");
        }
        return e;
    }

    @Override
    public void writeTo(StreamOutput out) {
        TransportAction.localOnly();
    }
}
