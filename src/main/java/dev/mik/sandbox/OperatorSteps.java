package dev.mik.sandbox;

import org.openjdk.nashorn.internal.ir.AccessNode;
import org.openjdk.nashorn.internal.ir.BinaryNode;
import org.openjdk.nashorn.internal.ir.Block;
import org.openjdk.nashorn.internal.ir.CallNode;
import org.openjdk.nashorn.internal.ir.CaseNode;
import org.openjdk.nashorn.internal.ir.CatchNode;
import org.openjdk.nashorn.internal.ir.ContinueNode;
import org.openjdk.nashorn.internal.ir.Expression;
import org.openjdk.nashorn.internal.ir.ForNode;
import org.openjdk.nashorn.internal.ir.FunctionNode;
import org.openjdk.nashorn.internal.ir.IdentNode;
import org.openjdk.nashorn.internal.ir.IfNode;
import org.openjdk.nashorn.internal.ir.IndexNode;
import org.openjdk.nashorn.internal.ir.LabelNode;
import org.openjdk.nashorn.internal.ir.LexicalContext;
import org.openjdk.nashorn.internal.ir.Node;
import org.openjdk.nashorn.internal.ir.SwitchNode;
import org.openjdk.nashorn.internal.ir.TernaryNode;
import org.openjdk.nashorn.internal.ir.TryNode;
import org.openjdk.nashorn.internal.ir.UnaryNode;
import org.openjdk.nashorn.internal.ir.WhileNode;
import org.openjdk.nashorn.internal.ir.visitor.NodeVisitor;
import org.openjdk.nashorn.internal.parser.Lexer;
import org.openjdk.nashorn.internal.parser.Token;
import org.openjdk.nashorn.internal.parser.TokenType;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Bounds the operator work a script does between two guard checks. An operator that converts its operands
 * (arithmetic, bitwise, comparison, {@code in}, unary {@code + - ~}, {@code ++ --}), a computed member
 * {@code o[k]}, an assignment to a member, or a call is one <em>step</em>. A conversion is linear in the length of
 * a string operand (8 Mi digits to a number take 10-50 ms) and is no call, so no builtin cap or function guard sees
 * it; a builtin classed O(1) may still walk a long prototype chain or compare a long key, and straight-line calls of
 * it would meet no guard.
 *
 * <p>Steps are counted in evaluation order along every path through the code: a branch ({@code if}, {@code ?:},
 * {@code && ||}) continues with the larger count of its arms; a loop body, a function body, a catch and a finally
 * block start at zero (each begins with a guard call); after a loop, a switch, a label or a try the count is taken as
 * {@code PER_GUARD - 1}, the most it can be. When planning, every node where the count reaches {@link #PER_GUARD} is
 * wrapped in {@code __gv(...)}, which checks the guard after the node and returns its value; a node that cannot be
 * wrapped (an assignment target, a callee) passes the count on to the next one that can. When verifying the
 * instrumented parse, each {@code __gv} call resets the count, and a count above {@link #VERIFIED_MAX} fails it.
 */
final class OperatorSteps extends NodeVisitor<LexicalContext> {

    /** Steps between two planned guard checks. */
    static final int PER_GUARD = 4;
    /** Most steps the verifier accepts between two guard checks (a wrap may land a few steps late). */
    static final int VERIFIED_MAX = 2 * PER_GUARD;

    private final SourceParens parens;
    private final boolean planning;
    private final Consumer<int[]> wraps;
    private final Consumer<IdentNode> passCalls;
    private final Set<Node> unwrappable = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Deque<int[]> loopContinues = new ArrayDeque<>();
    private final Deque<Integer> outerCounts = new ArrayDeque<>();
    private int count;
    private String problem;

    private OperatorSteps(SourceParens parens, boolean planning, Consumer<int[]> wraps,
            Consumer<IdentNode> passCalls) {
        super(new LexicalContext());
        this.parens = parens;
        this.planning = planning;
        this.wraps = wraps;
        this.passCalls = passCalls;
    }

    /**
     * Plans the wraps of a parsed program.
     *
     * @param parens the parentheses of the program's text
     * @param wraps receives {start, finish} of each range to wrap in {@code __gv(...)}
     * @return null, or why a range could not be found (the text does not match its parse)
     */
    static String plan(FunctionNode program, SourceParens parens, Consumer<int[]> wraps) {
        OperatorSteps steps = new OperatorSteps(parens, true, wraps, null);
        program.accept(steps);
        return steps.problem;
    }

    /**
     * Checks an instrumented parse.
     *
     * @param text      the instrumented text
     * @param passCalls receives the callee of every well-formed {@code __gv(x)} call
     * @return null when no path has more than {@link #VERIFIED_MAX} steps between two guard checks
     */
    static String verify(FunctionNode program, String text, Consumer<IdentNode> passCalls) {
        OperatorSteps steps = new OperatorSteps(new SourceParens(text, regexSpans(program)), false, null, passCalls);
        program.accept(steps);
        return steps.problem;
    }

    /** Start and end of every regex literal, for {@link SourceParens}. */
    static int[] regexSpans(FunctionNode program) {
        List<int[]> spans = new java.util.ArrayList<>();
        program.accept(new NodeVisitor<>(new LexicalContext()) {
            @Override
            public boolean enterLiteralNode(org.openjdk.nashorn.internal.ir.LiteralNode<?> literal) {
                if (literal.getValue() instanceof Lexer.RegexToken) {
                    int start = Token.descPosition(literal.getToken());
                    spans.add(new int[] {start, start + Token.descLength(literal.getToken())});
                }
                return true;
            }
        });
        spans.sort((a, b) -> Integer.compare(a[0], b[0]));
        int[] flat = new int[spans.size() * 2];
        for (int i = 0; i < spans.size(); i++) {
            flat[2 * i] = spans.get(i)[0];
            flat[2 * i + 1] = spans.get(i)[1];
        }
        return flat;
    }

    // ---- what a step is, and what can be wrapped

    private boolean synthetic(Node node) {
        return parens.inTemplateText(Token.descPosition(node.getToken()));
    }

    private boolean isStep(Node node) {
        if (node instanceof IndexNode) {
            return true;
        }
        if (node instanceof CallNode call) {
            // a call: a builtin classed O(1) may still walk a long prototype chain or compare a long key
            return !isSandboxCall(call);
        }
        if (node instanceof UnaryNode unary) {
            return switch (unary.tokenType()) {
                case POS, NEG, BIT_NOT, INCPREFIX, DECPREFIX, INCPOSTFIX, DECPOSTFIX -> true;
                default -> false;
            };
        }
        if (node instanceof BinaryNode binary) {
            return switch (binary.tokenType()) {
                // assigning to a member may convert (an array's length) or run a setter
                case ASSIGN -> !(binary.lhs() instanceof IdentNode);
                case COMMARIGHT, AND, OR, ARROW -> false;
                default -> !synthetic(binary);
            };
        }
        return false;
    }

    /** A call the instrumenter wrote: {@code __g.t()}, {@code __g.c(e)}, {@code __gThrow(x)}, {@code __gk(o)}. */
    private static boolean isSandboxCall(CallNode call) {
        Expression callee = call.getFunction();
        if (callee instanceof AccessNode access) {
            callee = access.getBase();
        }
        return callee instanceof IdentNode ident && ident.getName().startsWith(JsParser.RESERVED_PREFIX)
                && !ident.getName().equals(ModuleRewriter.MAIN);
    }

    private boolean canWrap(Node node) {
        if (unwrappable.contains(node) || synthetic(node)) {
            return false;
        }
        if (node instanceof BinaryNode binary) {
            return !binary.isTokenType(TokenType.COMMARIGHT)
                    && !binary.isTokenType(TokenType.ARROW);
        }
        return node instanceof IndexNode || node instanceof AccessNode || node instanceof CallNode
                || (node instanceof UnaryNode && isStep(node));
    }

    /** Counts a finished node and, when planning, wraps it if the count is due. */
    private void settle(Node node) {
        if (isStep(node)) {
            count++;
            if (!planning && count > VERIFIED_MAX && problem == null) {
                problem = "more than " + VERIFIED_MAX + " operator steps without a guard check at character "
                        + Token.descPosition(node.getToken());
            }
        }
        if (planning && count >= PER_GUARD && canWrap(node)) {
            int[] span = parens.span(start(node), finish(node));
            if (span == null) {
                if (problem == null) {
                    problem = "unbalanced parentheses around an expression";
                }
                return;
            }
            wraps.accept(span);
            count = 0;
        }
    }

    /**
     * Where the expression's text starts. Nashorn starts a chained call at its parenthesis ({@code a.b().c()} at
     * the second {@code (}), so the leftmost operand is asked.
     */
    static int start(Node node) {
        Node leftmost = null;
        if (node instanceof CallNode call) {
            leftmost = call.getFunction();
        } else if (node instanceof AccessNode access) {
            leftmost = access.getBase();
        } else if (node instanceof IndexNode index) {
            leftmost = index.getBase();
        } else if (node instanceof BinaryNode binary) {
            leftmost = binary.lhs();
        } else if (node instanceof TernaryNode ternary) {
            leftmost = ternary.getTest();
        } else if (node instanceof UnaryNode unary && unary.getStart() > unary.getExpression().getStart()) {
            leftmost = unary.getExpression();
        }
        return leftmost == null ? node.getStart() : Math.min(node.getStart(), start(leftmost));
    }

    /** Where the expression's text ends: a function expression's node ends before its body. */
    static int finish(Node node) {
        Node rightmost = null;
        if (node instanceof FunctionNode function) {
            return Math.max(function.getFinish(), function.getBody().getFinish());
        } else if (node instanceof BinaryNode binary) {
            rightmost = binary.rhs();
        } else if (node instanceof TernaryNode ternary) {
            rightmost = ternary.getFalseExpression();
        } else if (node instanceof UnaryNode unary && unary.getStart() <= unary.getExpression().getStart()) {
            rightmost = unary.getExpression();
        } else if (node instanceof org.openjdk.nashorn.internal.ir.JoinPredecessorExpression join) {
            rightmost = join.getExpression();
        }
        return rightmost == null ? node.getFinish() : Math.max(node.getFinish(), finish(rightmost));
    }

    private void visit(Node node) {
        if (node != null) {
            node.accept(this);
        }
    }

    private void afterMerge() {
        count = Math.max(count, PER_GUARD - 1);
    }

    // ---- targets that cannot be wrapped

    @Override
    public boolean enterBinaryNode(BinaryNode binary) {
        if (binary.isAssignment()) {
            unwrappable.add(binary.lhs());
        }
        if (binary.isTokenType(TokenType.AND) || binary.isTokenType(TokenType.OR)) {
            visit(binary.lhs());
            int left = count;
            visit(binary.rhs());
            count = Math.max(left, count);
            settle(binary);
            return false;
        }
        return true;
    }

    @Override
    public Node leaveBinaryNode(BinaryNode binary) {
        settle(binary);
        return binary;
    }

    @Override
    public boolean enterUnaryNode(UnaryNode unary) {
        if (unary.isAssignment() || unary.isTokenType(TokenType.DELETE) || unary.isTokenType(TokenType.NEW)) {
            unwrappable.add(unary.getExpression());
        }
        return true;
    }

    @Override
    public Node leaveUnaryNode(UnaryNode unary) {
        settle(unary);
        return unary;
    }

    @Override
    public boolean enterCallNode(CallNode call) {
        unwrappable.add(call.getFunction());
        return true;
    }

    @Override
    public Node leaveCallNode(CallNode call) {
        if (!planning && call.getFunction() instanceof IdentNode callee
                && GuardInjector.PASS.equals(callee.getName())) {
            List<Expression> args = call.getArgs();
            if (args.size() != 1 || args.get(0) instanceof UnaryNode spread
                    && spread.isTokenType(TokenType.SPREAD_ARGUMENT)) {
                problem = "a guard pass-through call does not take exactly one value";
            } else {
                passCalls.accept(callee);
                count = 0;
            }
            return call;
        }
        settle(call);
        return call;
    }

    @Override
    public Node leaveIndexNode(IndexNode index) {
        settle(index);
        return index;
    }

    @Override
    public Node leaveAccessNode(AccessNode access) {
        settle(access);
        return access;
    }

    // ---- control flow

    @Override
    public boolean enterTernaryNode(TernaryNode ternary) {
        branches(ternary.getTest(), ternary.getTrueExpression(), ternary.getFalseExpression());
        return false;
    }

    @Override
    public boolean enterIfNode(IfNode ifNode) {
        branches(ifNode.getTest(), ifNode.getPass(), ifNode.getFail());
        return false;
    }

    /** A test and two arms, of which one runs: the count goes on from the larger arm. */
    private void branches(Node test, Node whenTrue, Node whenFalse) {
        visit(test);
        int afterTest = count;
        visit(whenTrue);
        int afterTrue = count;
        count = afterTest;
        visit(whenFalse);
        count = Math.max(afterTrue, count);
    }

    @Override
    public boolean enterForNode(ForNode loop) {
        if (loop.isForInOrOf()) {
            visit(loop.getModify());
            if (loop.getInit() != null) {
                unwrappable.add(loop.getInit());
                visit(loop.getInit());
            }
            loopBody(loop.getBody());
        } else {
            visit(loop.getInit());
            int entry = count;
            int bodyExit = loopBody(loop.getBody());
            count = bodyExit;
            visit(loop.getModify());
            count = Math.max(entry, count);
            visit(loop.getTest());
        }
        afterMerge();
        return false;
    }

    @Override
    public boolean enterWhileNode(WhileNode loop) {
        int entry = count;
        int bodyExit = loopBody(loop.getBody());
        count = loop.isDoWhile() ? bodyExit : Math.max(entry, bodyExit);
        visit(loop.getTest());
        afterMerge();
        return false;
    }

    /** Visits a loop body from zero (it starts with a guard call); the count at its end or at any continue. */
    private int loopBody(Block body) {
        loopContinues.push(new int[1]);
        count = 0;
        visit(body);
        int[] continues = loopContinues.pop();
        return Math.max(count, continues[0]);
    }

    @Override
    public boolean enterContinueNode(ContinueNode jump) {
        // a labelled continue may leave inner loops: every enclosing loop takes the count, which only over-counts
        for (int[] continues : loopContinues) {
            continues[0] = Math.max(continues[0], count);
        }
        return false;
    }

    @Override
    public boolean enterSwitchNode(SwitchNode switchNode) {
        visit(switchNode.getExpression());
        for (CaseNode caseNode : switchNode.getCases()) {
            visit(caseNode.getTest());
            afterMerge();
            visit(caseNode.getBody());
        }
        afterMerge();
        return false;
    }

    @Override
    public Node leaveLabelNode(LabelNode label) {
        afterMerge();
        return label;
    }

    @Override
    public boolean enterTryNode(TryNode tryNode) {
        visit(tryNode.getBody());
        for (Block catchBlock : tryNode.getCatchBlocks()) {
            count = 0;
            visit(catchBlock);
        }
        if (tryNode.getFinallyBody() != null) {
            count = 0;
            visit(tryNode.getFinallyBody());
        }
        afterMerge();
        return false;
    }

    @Override
    public boolean enterCatchNode(CatchNode catchNode) {
        count = 0;
        return true;
    }

    @Override
    public boolean enterFunctionNode(FunctionNode function) {
        outerCounts.push(count);
        loopContinues.push(new int[1]);
        count = 0;
        return true;
    }

    @Override
    public Node leaveFunctionNode(FunctionNode function) {
        loopContinues.pop();
        count = outerCounts.pop();
        return function;
    }
}
