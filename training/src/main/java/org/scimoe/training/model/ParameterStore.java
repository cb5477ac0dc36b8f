package org.scimoe.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.scimoe.ScimoeException;
import org.scimoe.training.onnx.FloatTensor;

/**
 * All of a model's parameters by name, each an NDArray that lives as long as the store, with its
 * learning-rate group and whether it trains. Only trainable arrays ask autograd for a gradient, so
 * frozen parts (word embeddings, a frozen encoder) cost no backward pass.
 *
 * <p>Work on the parameters happens in a {@link #scope()}: a sub-manager that temporarily holds the
 * parameters, so every intermediate array (including those an op on a parameter returns, and the
 * gradient handles) is freed when the scope closes while the parameters themselves survive.
 */
public final class ParameterStore implements AutoCloseable {

    /** One named parameter. */
    public record Param(String name, NDArray array, ParamGroup group, boolean trainable) {
        public long size() {
            return array.getShape().size();
        }
    }

    private final NDManager manager;
    private final Map<String, Param> params = new LinkedHashMap<>();

    public ParameterStore(NDManager manager) {
        this.manager = manager;
    }

    public NDManager manager() {
        return manager;
    }

    public NDArray add(String name, FloatTensor value, ParamGroup group, boolean trainable) {
        return add(name, manager.create(value.values(), new Shape(value.shape())), group, trainable);
    }

    /** Takes ownership of {@code array} (it is attached to this store's manager). */
    public NDArray add(String name, NDArray array, ParamGroup group, boolean trainable) {
        if (params.containsKey(name)) {
            throw new ScimoeException("parameter '" + name + "' is defined twice");
        }
        array.attach(manager);
        array.setName(name);
        if (trainable) {
            array.setRequiresGradient(true);
        }
        params.put(name, new Param(name, array, group, trainable));
        return array;
    }

    /** Drops a parameter (e.g. a dense FFN that experts replaced) and frees its memory. */
    public void remove(String name) {
        Param p = params.remove(name);
        if (p != null) {
            p.array().close();
        }
    }

    /** Lets a frozen parameter train, in {@code group} (e.g. one layer's FFN of an otherwise frozen encoder). */
    public void makeTrainable(String name, ParamGroup group) {
        Param p = param(name);
        p.array().setRequiresGradient(true);
        params.put(name, new Param(name, p.array(), group, true));
    }

    public NDArray get(String name) {
        Param p = params.get(name);
        if (p == null) {
            throw new ScimoeException("the model has no parameter '" + name + "'");
        }
        return p.array();
    }

    public boolean has(String name) {
        return params.containsKey(name);
    }

    public Param param(String name) {
        get(name);
        return params.get(name);
    }

    public Collection<Param> all() {
        return params.values();
    }

    public List<Param> trainable() {
        List<Param> out = new ArrayList<>();
        params.values().stream().filter(Param::trainable).forEach(out::add);
        return out;
    }

    public long count(boolean trainableOnly) {
        return params.values().stream().filter(p -> !trainableOnly || p.trainable()).mapToLong(Param::size).sum();
    }

    /** The current value of a parameter, copied out. */
    public FloatTensor value(String name) {
        NDArray a = get(name);
        return new FloatTensor(a.getShape().getShape(), a.toFloatArray());
    }

    /** Overwrites a parameter's value in place (checkpoint loading); the shape must match. */
    public void setValue(String name, FloatTensor value) {
        NDArray a = get(name);
        if (!java.util.Arrays.equals(a.getShape().getShape(), value.shape())) {
            throw new ScimoeException("parameter '" + name + "' has shape " + a.getShape() + ", the value "
                    + java.util.Arrays.toString(value.shape()));
        }
        // copied into the parameter's own storage: NDArray.set(float[]) would swap it for a Java buffer, leaving any
        // tensor that still shares the old storage pointing at memory the collector frees (see Gradients.clear)
        try (NDArray source = manager.create(value.values(), new Shape(value.shape()))) {
            a.set(new ai.djl.ndarray.index.NDIndex(":"), source);
        }
    }

    /**
     * A sub-manager holding the parameters until it closes: see the class comment. Also turns
     * autograd off on this thread: libtorch's grad mode is per thread and DJL switches it off only on
     * the thread that loads the engine; work outside a GradientCollector (inference, optimizer
     * updates in place on the parameters) must not record a graph on any thread.
     */
    public NDManager scope() {
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        NDManager scope = manager.newSubManager();
        scope.tempAttachAll(params.values().stream().map(Param::array).toArray(NDArray[]::new));
        return scope;
    }

    @Override
    public void close() {
        manager.close();
    }
}
