package org.scimoe.training.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.Map;
import org.scimoe.training.onnx.FloatTensor;
import org.scimoe.training.model.ParameterStore;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter), as torch.optim.AdamW: the decay shrinks
 * the weight directly instead of entering the gradient. Biases and LayerNorm scales (rank-1
 * parameters) are not decayed, as BERT fine-tuning does.
 *
 * <p>The moments live in a long-lived manager; each update borrows them into a short-lived one so
 * that the temporaries computed from them are freed with it (DJL attaches a result to the manager of
 * the array the method is called on).
 */
public final class AdamW {
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float weightDecay;
    private final Map<String, NDArray[]> moments = new HashMap<>();
    private final NDManager state;

    public AdamW(NDManager state, float beta1, float beta2, float epsilon, float weightDecay) {
        this.state = state;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
    }

    public static AdamW defaults(NDManager state, float weightDecay) {
        return new AdamW(state, 0.9f, 0.999f, 1e-6f, weightDecay);
    }

    /**
     * One update of {@code p} with gradient {@code grad}; {@code t} is the 1-based count of updates so far
     * (for bias correction). Runs outside autograd; temporaries belong to the gradient's scope.
     */
    public void update(ParameterStore.Param p, NDArray grad, float learningRate, int t) {
        NDArray w = p.array();
        NDArray[] m = moments.computeIfAbsent(p.name(), k -> new NDArray[] {state.zeros(w.getShape()), state.zeros(w.getShape())});
        NDArray mean = m[0];
        NDArray var = m[1];
        try (NDManager tmp = grad.getManager().newSubManager()) {
            tmp.tempAttachAll(mean, var);
            mean.muli(beta1).addi(grad.mul(1 - beta1));
            var.muli(beta2).addi(grad.square().mul(1 - beta2));
            double correction1 = 1 - Math.pow(beta1, t);
            double correction2 = 1 - Math.pow(beta2, t);
            if (weightDecay > 0 && w.getShape().dimension() > 1) {
                w.muli(1 - learningRate * weightDecay);
            }
            NDArray denominator = var.div((float) correction2).sqrt().add(epsilon);
            w.subi(mean.div(denominator).mul((float) (learningRate / correction1)));
        }
    }

    /** The moments by parameter name ("name/m", "name/v"), copied out for a checkpoint. */
    public Map<String, FloatTensor> state() {
        Map<String, FloatTensor> out = new java.util.LinkedHashMap<>();
        moments.forEach((name, m) -> {
            out.put(name + "/m", tensor(m[0]));
            out.put(name + "/v", tensor(m[1]));
        });
        return out;
    }

    /** Restores moments saved by {@link #state()} (replacing any held now). */
    public void restore(Map<String, FloatTensor> saved) {
        reset();
        saved.forEach((key, value) -> {
            int slash = key.lastIndexOf('/');
            String name = key.substring(0, slash);
            int which = key.endsWith("/m") ? 0 : 1;
            NDArray[] m = moments.computeIfAbsent(name, k -> new NDArray[2]);
            m[which] = state.create(value.values(), new ai.djl.ndarray.types.Shape(value.shape()));
        });
        moments.forEach((name, m) -> {
            if (m[0] == null || m[1] == null) {
                throw new org.scimoe.ScimoeException("the optimizer state of '" + name + "' is incomplete");
            }
        });
    }

    private static FloatTensor tensor(NDArray a) {
        return new FloatTensor(a.getShape().getShape(), a.toFloatArray());
    }

    /** Frees the moment arrays. */
    public void reset() {
        moments.values().forEach(a -> {
            a[0].close();
            a[1].close();
        });
        moments.clear();
    }
}
