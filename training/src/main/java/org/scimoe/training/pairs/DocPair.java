package org.scimoe.training.pairs;

/** An unordered pair of document ids, stored with the smaller id first so that (a, b) and (b, a) are one pair. */
public record DocPair(String a, String b) implements Comparable<DocPair> {
    public DocPair {
        if (a.equals(b)) {
            throw new IllegalArgumentException("a pair needs two different documents, got '" + a + "' twice");
        }
        if (a.compareTo(b) > 0) {
            String t = a;
            a = b;
            b = t;
        }
    }

    @Override
    public int compareTo(DocPair o) {
        int c = a.compareTo(o.a);
        return c != 0 ? c : b.compareTo(o.b);
    }
}
