package dev.mik.memory;

/** Whether a run may start now; {@link HeapPressure} refuses while the heap is under pressure. */
@FunctionalInterface
public interface Admission {

    /** Always admits: for controls used outside a server, where nothing watches the heap. */
    Admission ALWAYS = what -> { };

    /**
     * @param what the run, as its refusal names it ({@code "Handler 'auth'"})
     * @throws dev.mik.problem.ProblemException 503 {@code overloaded} when it may not start
     */
    void admit(String what);
}
