package org.scimoe.elasticsearch.action;

import java.util.List;
import java.util.Map;
import org.elasticsearch.action.ActionRequest;
import org.elasticsearch.action.ActionRequestValidationException;
import org.elasticsearch.action.support.TransportAction;
import org.elasticsearch.common.io.stream.StreamOutput;
import org.elasticsearch.tasks.CancellableTask;
import org.elasticsearch.tasks.Task;
import org.elasticsearch.tasks.TaskId;
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

    /** Cancellable: a cancelled request (its HTTP client gone, or _tasks/_cancel) drops its texts still queued. */
    @Override
    public Task createTask(long id, String type, String action, TaskId parentTaskId, Map<String, String> headers) {
        return new CancellableTask(id, type, action, "scimoe embed " + texts.size() + " text(s), role " + role, parentTaskId, headers);
    }

    @Override
    public void writeTo(StreamOutput out) {
        TransportAction.localOnly();
    }
}
