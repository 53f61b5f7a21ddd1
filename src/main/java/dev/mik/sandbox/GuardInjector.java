package dev.mik.sandbox;

import org.openjdk.nashorn.internal.ir.Block;
import org.openjdk.nashorn.internal.ir.CatchNode;
import org.openjdk.nashorn.internal.ir.ClassNode;
import org.openjdk.nashorn.internal.ir.Expression;
import org.openjdk.nashorn.internal.ir.ForNode;
import org.openjdk.nashorn.internal.ir.FunctionNode;
import org.openjdk.nashorn.internal.ir.IdentNode;
import org.openjdk.nashorn.internal.ir.LexicalContext;
import org.openjdk.nashorn.internal.ir.LoopNode;
import org.openjdk.nashorn.internal.ir.Node;
import org.openjdk.nashorn.internal.ir.ReturnNode;
import org.openjdk.nashorn.internal.ir.Statement;
import org.openjdk.nashorn.internal.ir.ThrowNode;
import org.openjdk.nashorn.internal.ir.TryNode;
import org.openjdk.nashorn.internal.ir.WhileNode;
import org.openjdk.nashorn.internal.ir.WithNode;
import org.openjdk.nashorn.internal.ir.visitor.NodeVisitor;
import org.openjdk.nashorn.internal.parser.Token;
import org.openjdk.nashorn.internal.parser.TokenType;
import org.openjdk.nashorn.internal.runtime.Source;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Inserts the run guard's calls into the factory source, as text at positions taken from Nashorn's IR:
 * <ul>
 * <li>{@code __g.t();} at the start of every function body and loop body; an unbraced loop body {@code S}
 * becomes {@code {__g.t();S}}, and an arrow's expression body {@code e} becomes {@code __g.t()?0:e}
 * ({@code t()} returns undefined). An arrow whose body only creates another function is O(1) and left alone.</li>
 * <li>{@code __g.c(e);} at the start of every catch block, so Java throwables never reach the script.</li>
 * <li>{@code __g.t();} at the start of every finally block, so a run whose guard tripped cannot run one finally
 * block after another on its way out (each may hold long straight-line work).</li>
 * <li>{@code throw __gThrow(x)} for every throw, so Nashorn cannot attach its Java exception to the value.</li>
 * <li>{@code __gk(o)} around the object of every for-in, which lists all its keys before the body runs.</li>
 * <li>{@code __gv(e)} around every few operator steps ({@link OperatorSteps}), so straight-line conversions of long
 * strings meet a guard check between any two of them.</li>
 * </ul>
 * Only insertions happen, none spans a line break, so line numbers stay the user's. {@link GuardVerifier}
 * re-parses the result and rejects it unless every node is guarded.
 */
final class GuardInjector {

    static final String GUARD = JsParser.RESERVED_PREFIX;
    static final String SAFE_THROW = JsParser.RESERVED_PREFIX + "Throw";
    static final String TICK = GUARD + ".t();";
    /** {@code __gv(x)}: checks the guard after {@code x} is evaluated and returns its value (see OperatorSteps). */
    static final String PASS = GUARD + "v";
    /** {@code __gk(o)}: the object a for-in walks, refused when its keys would exceed the caps. */
    static final String FOR_IN = GUARD + "k";

    private final String name;
    private final String text;
    private final Source source;
    private final List<Edit> edits = new ArrayList<>();
    private final SourceParens parens;
    private ScriptCompileException rejection;

    private GuardInjector(String name, String text, FunctionNode program) {
        this.name = name;
        this.text = text;
        this.source = program.getSource();
        this.parens = new SourceParens(text, OperatorSteps.regexSpans(program));
    }

    /** @param program the parse of {@code text} */
    static String instrument(String name, String text, FunctionNode program) throws ScriptCompileException {
        GuardInjector injector = new GuardInjector(name, text, program);
        program.accept(injector.new Collector());
        if (injector.rejection == null) {
            String problem = OperatorSteps.plan(program, injector.parens, span -> {
                injector.open(span[0], PASS + "(");
                injector.close(span[1], ")");
            });
            if (problem != null) {
                injector.reject(program, problem);
            }
        }
        if (injector.rejection != null) {
            throw injector.rejection;
        }
        return injector.apply();
    }

    private String apply() {
        edits.sort(Edit.ORDER);
        StringBuilder out = new StringBuilder(text.length() + edits.size() * 16);
        int copied = 0;
        for (Edit edit : edits) {
            out.append(text, copied, edit.position).append(edit.insert);
            copied = edit.position;
        }
        return out.append(text, copied, text.length()).toString();
    }

    private void open(int position, String insert) {
        edits.add(new Edit(position, insert, false, edits.size()));
    }

    private void close(int position, String insert) {
        edits.add(new Edit(position, insert, true, edits.size()));
    }

    private void reject(Node node, String message) {
        if (rejection == null) {
            int position = Math.max(0, Math.min(node.getStart(), text.length() - 1));
            rejection = new ScriptCompileException(name, source.getLine(position), message);
        }
    }

    private boolean opensBrace(Block block) {
        int at = block.getStart();
        return at >= 0 && at < text.length() && text.charAt(at) == '{';
    }

    private void guardForIn(ForNode loop) {
        Expression target = loop.getModify().getExpression();
        int[] span = parens.span(OperatorSteps.start(target), OperatorSteps.finish(target));
        if (span == null) {
            reject(loop, "unsupported for-in form");
            return;
        }
        open(span[0], FOR_IN + "(");
        close(span[1], ")");
    }

    private void guardLoop(LoopNode loop) {
        Block body = loop.getBody();
        if (body.isSynthetic()) {
            open(body.getStart(), "{" + TICK);
            close(body.getFinish(), "}");
        } else if (opensBrace(body)) {
            open(body.getStart() + 1, TICK);
        } else {
            reject(loop, "unsupported loop form");
        }
    }

    private void guardFunction(FunctionNode function) {
        if (function.getKind() == FunctionNode.Kind.GENERATOR) {
            reject(function, "generator functions are not supported");
            return;
        }
        if (function.getFlag(FunctionNode.HAS_EXPRESSION_BODY)) {
            if (!returnsFunction(function)) {
                open(arrowBodyStart(function), GUARD + ".t()?0:");
            }
        } else if (opensBrace(function.getBody())) {
            open(function.getBody().getStart() + 1, TICK);
        } else {
            reject(function, "default or destructuring parameter values are not supported; set defaults in the body");
        }
    }

    /** {@code a => b => ...}: creating the inner function is O(1), and a guard there would not parse. */
    static boolean returnsFunction(FunctionNode arrow) {
        List<Statement> statements = arrow.getBody().getStatements();
        return statements.size() == 1 && statements.get(0) instanceof ReturnNode ret
                && ret.getExpression() instanceof FunctionNode;
    }

    /** The arrow's token is the body's first token; string and template tokens start after their quote. */
    private int arrowBodyStart(FunctionNode arrow) {
        int at = Token.descPosition(arrow.getToken());
        TokenType type = Token.descType(arrow.getToken());
        boolean quoted = type == TokenType.STRING || type == TokenType.ESCSTRING
                || type == TokenType.TEMPLATE || type == TokenType.TEMPLATE_HEAD;
        if (quoted && at > 0 && "'\"`".indexOf(text.charAt(at - 1)) >= 0) {
            at--;
        }
        return at;
    }

    private void guardCatch(CatchNode catchNode) {
        Expression exception = catchNode.getException();
        if (!(exception instanceof IdentNode ident)) {
            reject(catchNode, "destructuring catch parameters are not supported");
            return;
        }
        if (catchNode.getExceptionCondition() != null || !opensBrace(catchNode.getBody())) {
            reject(catchNode, "unsupported catch form");
            return;
        }
        open(catchNode.getBody().getStart() + 1, GUARD + ".c(" + ident.getName() + ");");
    }

    private void guardFinally(TryNode tryNode) {
        Block finallyBody = tryNode.getFinallyBody();
        if (finallyBody == null) {
            return;
        }
        if (!opensBrace(finallyBody)) {
            reject(tryNode, "unsupported finally form");
            return;
        }
        open(finallyBody.getStart() + 1, TICK);
    }

    private void guardThrow(ThrowNode throwNode) {
        int keyword = throwNode.getStart();
        int end = throwNode.getFinish();
        if (!text.startsWith("throw", keyword) || end <= keyword + "throw".length()) {
            reject(throwNode, "unsupported throw form");
            return;
        }
        if (text.charAt(end - 1) == ';') {
            end--;
        }
        open(keyword + "throw".length(), " " + SAFE_THROW + "(");
        close(end, ")");
    }

    /** Visits the whole IR; nothing is changed in it, edits are collected against the source text. */
    private final class Collector extends NodeVisitor<LexicalContext> {

        Collector() {
            super(new LexicalContext());
        }

        @Override
        public boolean enterFunctionNode(FunctionNode function) {
            if (!function.isProgram()) {
                guardFunction(function);
            }
            return true;
        }

        @Override
        public boolean enterForNode(ForNode loop) {
            guardLoop(loop);
            if (loop.isForIn()) {
                guardForIn(loop);
            }
            return true;
        }

        @Override
        public boolean enterWhileNode(WhileNode loop) {
            guardLoop(loop);
            return true;
        }

        @Override
        public boolean enterCatchNode(CatchNode catchNode) {
            guardCatch(catchNode);
            return true;
        }

        @Override
        public boolean enterThrowNode(ThrowNode throwNode) {
            guardThrow(throwNode);
            return true;
        }

        @Override
        public boolean enterTryNode(TryNode tryNode) {
            guardFinally(tryNode);
            return true;
        }

        @Override
        public boolean enterClassNode(ClassNode classNode) {
            reject(classNode, "classes are not supported");
            return false;
        }

        @Override
        public boolean enterWithNode(WithNode withNode) {
            reject(withNode, "'with' is not supported");
            return false;
        }
    }

    /**
     * One insertion. At the same position, closing text goes before opening text; inner closings before outer
     * ones and outer openings before inner ones (the visitor meets outer nodes first).
     */
    private record Edit(int position, String insert, boolean closing, int sequence) {

        static final Comparator<Edit> ORDER = Comparator.comparingInt(Edit::position)
                .thenComparing(edit -> !edit.closing)
                .thenComparingInt(edit -> edit.closing ? -edit.sequence : edit.sequence);
    }
}
