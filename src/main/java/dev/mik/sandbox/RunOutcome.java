package dev.mik.sandbox;

import org.openjdk.nashorn.api.scripting.NashornException;

/**
 * Decides how one run ended, in a fixed order: a tripped guard wins over everything (even a normal return,
 * since a script can swallow an abort in a {@code finally}), then a host failure, then what the script threw,
 * then a rejected input or result, then the result.
 */
final class RunOutcome {

    private final String scriptName;
    private final RunGuard guard;
    private NashornException thrown;
    private RuntimeException failure;

    RunOutcome(String scriptName, RunGuard guard) {
        this.scriptName = scriptName;
        this.guard = guard;
    }

    void thrown(NashornException exception) {
        thrown = exception;
    }

    void failed(RuntimeException exception) {
        failure = exception;
    }

    ScriptResult result() throws ScriptInputException, ScriptFailure, ScriptAbortedException {
        if (guard.tripped() != null) {
            throw new ScriptAbortedException(scriptName, guard.tripped());
        }
        if (guard.hostFailure() != null) {
            throw guard.hostFailure();
        }
        if (guard.unexpected() != null) {
            throw new IllegalStateException("script " + scriptName + " failed inside the sandbox", guard.unexpected());
        }
        if (failure != null) {
            throw new IllegalStateException("script " + scriptName + " failed inside the sandbox", failure);
        }
        if (thrown != null) {
            throw new ScriptFailure(scriptName, userLine(thrown), thrown.getMessage());
        }
        if (guard.inputProblem() != null) {
            throw new ScriptInputException("the input is not valid JSON: " + guard.inputProblem());
        }
        if (guard.resultProblem() != null) {
            throw new ScriptFailure(scriptName, ScriptFailure.UNKNOWN_LINE,
                    "the returned value cannot be sent as JSON: " + guard.resultProblem());
        }
        if (guard.resultJson() == null) {
            throw new IllegalStateException("script " + scriptName + " ended without a result");
        }
        int call = guard.returnedCall();
        return guard.returnedCallEdited()
                ? new ScriptResult(ScriptResult.NO_PASSTHROUGH, call, guard.resultJson())
                : new ScriptResult(call, ScriptResult.NO_PASSTHROUGH, guard.resultJson());
    }

    /** The innermost frame in the script's own file; errors raised by the runtime point at the calling line. */
    private int userLine(NashornException exception) {
        for (StackTraceElement frame : NashornException.getScriptFrames(exception)) {
            if (scriptName.equals(frame.getFileName()) && frame.getLineNumber() > 0) {
                return frame.getLineNumber();
            }
        }
        return scriptName.equals(exception.getFileName()) && exception.getLineNumber() > 0
                ? exception.getLineNumber() : ScriptFailure.UNKNOWN_LINE;
    }
}
