package dev.mik.lifecycle;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether an object left in a server's structure still holds an application: a bounded walk of what it references
 * strongly, through the fields reflection may read (a field of a class whose module does not open it to mik is not
 * followed, nor is a weak or soft reference's referent, whose class does not open it either), looking for a class, an
 * object or a class loader of the application. Used once an application is being released, on values it did not make.
 */
final class References {

    /** Objects looked at for one value at most: a request context holds a few hundred. */
    static final int MAX_OBJECTS = 5_000;

    /**
     * Per class, its instance fields that hold references and that reflection may read; for one release only, so mik
     * never keeps another application's classes.
     */
    private final Map<Class<?>, List<Field>> fields = new HashMap<>();
    private final ClassLoader application;

    /** A walk looking for {@code application}. */
    References(ClassLoader application) {
        this.application = application;
    }

    /** Whether {@code start}, or an object it reaches, is or was made by a class under the application. */
    boolean reach(Object start) {
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Object> next = new ArrayDeque<>();
        next.add(start);
        seen.add(start);
        while (!next.isEmpty() && seen.size() <= MAX_OBJECTS) {
            Object object = next.poll();
            if (object instanceof Class<?> type) {
                if (SharedJvmState.loadedUnder(type.getClassLoader(), application)) {
                    return true;
                }
                continue; // a class's statics are its own loader's business
            }
            if (object instanceof ClassLoader loader) {
                if (SharedJvmState.loadedUnder(loader, application)) {
                    return true;
                }
                continue;
            }
            if (SharedJvmState.loadedUnder(object.getClass().getClassLoader(), application)) {
                return true;
            }
            if (object instanceof Thread) {
                continue; // another thread is not this value's content
            }
            for (Object referenced : referenced(object)) {
                if (referenced != null && seen.add(referenced)) {
                    next.add(referenced);
                }
            }
        }
        return false;
    }

    private List<Object> referenced(Object object) {
        Class<?> type = object.getClass();
        if (type.isArray()) {
            if (type.getComponentType().isPrimitive()) {
                return List.of();
            }
            int length = Array.getLength(object);
            List<Object> elements = new ArrayList<>(length);
            for (int i = 0; i < length; i++) {
                elements.add(Array.get(object, i));
            }
            return elements;
        }
        List<Object> values = new ArrayList<>();
        for (Field field : fields.computeIfAbsent(type, References::readableFields)) {
            try {
                values.add(field.get(object));
            } catch (IllegalAccessException | RuntimeException unreadable) {
                // left out, as a field that cannot be opened is
            }
        }
        return values;
    }

    private static List<Field> readableFields(Class<?> type) {
        List<Field> fields = new ArrayList<>();
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
                    continue;
                }
                try {
                    field.setAccessible(true);
                    fields.add(field);
                } catch (RuntimeException notOpened) {
                    // a module that does not open this class: its fields are not followed
                }
            }
        }
        return fields;
    }
}
