package dev.vigil.rule;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.stream.Collectors;

/**
 * The one CEL environment of Vigil's rules: variables {@code event} and {@code agent}, both
 * maps of string to dynamic values, the standard macros ({@code has}, {@code all},
 * {@code exists}, ...), and numeric comparisons across int and double so that
 * {@code event.latency_ms > 1000} works whether the agent sent 1200 or 1200.5.
 */
final class Cel {
    private static final CelOptions OPTIONS = CelOptions.current()
            .enableHeterogeneousNumericComparisons(true)
            .comprehensionMaxIterations(10_000)
            .build();
    private static final CelType DYN_MAP = MapType.create(SimpleType.STRING, SimpleType.DYN);
    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("event", DYN_MAP)
            .addVar("agent", DYN_MAP)
            .build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();

    /** What an expression must produce where it is used. */
    enum Result { BOOL, NUMBER }

    private Cel() {}

    /**
     * @throws IllegalArgumentException with CEL's message and the position (line:column)
     */
    static Expression compile(String text, Result expected) {
        CelValidationResult result = COMPILER.compile(text);
        if (result.hasError()) {
            throw new IllegalArgumentException(result.getErrors().stream().map(Cel::describe).collect(Collectors.joining("; ")));
        }
        CelAbstractSyntaxTree ast;
        try {
            ast = result.getAst();
        } catch (CelValidationException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        CelType type = ast.getResultType();
        boolean fits = type.equals(SimpleType.DYN) || switch (expected) {
            case BOOL -> type.equals(SimpleType.BOOL);
            case NUMBER -> type.equals(SimpleType.INT) || type.equals(SimpleType.DOUBLE) || type.equals(SimpleType.UINT);
        };
        if (!fits) {
            throw new IllegalArgumentException("must be " + (expected == Result.BOOL ? "a condition (bool)" : "a number")
                    + ", but '" + text + "' is " + type.name());
        }
        try {
            return new Expression(text, RUNTIME.createProgram(ast));
        } catch (CelEvaluationException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    private static String describe(CelIssue issue) {
        var loc = issue.getSourceLocation();
        String at = loc.getLine() > 0 ? " at line " + loc.getLine() + ", column " + (loc.getColumn() + 1) : "";
        return issue.getMessage() + at;
    }
}
