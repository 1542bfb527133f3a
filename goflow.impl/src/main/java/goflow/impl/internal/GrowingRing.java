package goflow.impl.internal;

/**
 * Array arithmetic for the bounded FIFO rings (channels, pipeline stage buffers) whose array is
 * allocated at their capacity only up to {@link #PREALLOCATED_MAX} slots and beyond that starts
 * there and doubles when full, so that a huge capacity ({@code Integer.MAX_VALUE}: unbounded in
 * effect) costs only what it holds, and goes back to the first array when emptied after a
 * burst ({@link #emptied}). The ring's owner keeps its array, head and count under its own
 * lock and calls these. Stateless.
 */
public final class GrowingRing {
    /** The largest array allocated up front; a larger capacity grows its array as values come. */
    public static final int PREALLOCATED_MAX = 1024;
    /** The largest array a JVM allocates. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private GrowingRing() {
    }

    /**
     * The most values a ring of {@code capacity} can hold: the capacity, or the largest array.
     *
     * @param capacity the configured capacity, positive
     * @return the bound the ring enforces
     */
    public static int limit(int capacity) {
        return Math.min(capacity, MAX_ARRAY);
    }

    /**
     * The first array of a ring of {@code capacity}.
     *
     * @param capacity the configured capacity, positive
     * @return an empty array of at most {@link #PREALLOCATED_MAX} slots
     */
    public static Object[] initial(int capacity) {
        return new Object[Math.min(capacity, PREALLOCATED_MAX)];
    }

    /**
     * The index {@code offset} slots after {@code head} ({@code 0 <= offset <= items.length}),
     * exact also where {@code head + offset} overflows: {@code head + offset - length} lies in
     * {@code [-length, length)}.
     *
     * @param items the ring's array
     * @param head the index of the oldest value
     * @param offset how many slots after it
     * @return the index in {@code items}
     */
    public static int index(Object[] items, int head, int offset) {
        int i = head + offset - items.length;
        return i < 0 ? i + items.length : i;
    }

    /**
     * The array a ring that has just become empty goes on with: the first array again when its
     * array grew beyond {@link #PREALLOCATED_MAX} (a burst is not kept in memory for the life of
     * the ring, the ring grows again with the next one), else the same array.
     *
     * @param items the empty ring's array (every slot null)
     * @return the array to keep, its head at index 0 if it is a new one
     */
    public static Object[] emptied(Object[] items) {
        return items.length > PREALLOCATED_MAX ? new Object[PREALLOCATED_MAX] : items;
    }

    /**
     * A full ring's array doubled, up to {@code limit}, with its {@code count} values moved to
     * index 0 on (the new head).
     *
     * @param items the full ring's array
     * @param head the index of its oldest value
     * @param count the values it holds
     * @param limit the ring's bound ({@link #limit}), above {@code items.length}
     * @return the larger array
     */
    public static Object[] grow(Object[] items, int head, int count, int limit) {
        Object[] larger = new Object[(int) Math.min(limit, 2L * items.length)];
        for (int i = 0; i < count; i++) {
            larger[i] = items[index(items, head, i)];
        }
        return larger;
    }
}
