using ParameterKit.CodeFixes;
using VerifyCS = ParameterKit.Analyzers.Tests.Verify<ParameterKit.Analyzers.SafeTensorsViewEscapeAnalyzer>;

namespace ParameterKit.Analyzers.Tests;

public class SafeTensorsViewEscapeTests
{
    [Fact]
    public Task Reports_views_returned_stored_or_captured_past_the_using_scope() => VerifyCS.Analyzer("""
        using System;
        using ParameterKit.SafeTensors;

        sealed class Loader
        {
            private ReadOnlyMemory<byte> _cached;

            public ReadOnlyMemory<byte> Cached { get; private set; }

            public ReadOnlySpan<byte> Bytes(string path)
            {
                using var file = SafeTensorsFile.Open(path);
                return {|PK4001:file.GetBytes("wte.weight")|};
            }

            public ReadOnlyMemory<byte> Memory(string path)
            {
                using (var file = SafeTensorsFile.Open(path))
                {
                    var view = file.GetMemory(file.GetTensor("wte.weight"));
                    return {|PK4001:view|};
                }
            }

            public void Keep(string path)
            {
                using var file = SafeTensorsFile.Open(path);
                _cached = {|PK4001:file.GetMemory(file.GetTensor("a"))|};
                var view = file.GetMemory(file.GetTensor("b"));
                Cached = {|PK4001:view|};
            }

            public Func<string, ReadOnlyMemory<byte>> Factory() => path =>
            {
                using var file = SafeTensorsFile.Open(path);
                return {|PK4001:file.GetMemory(file.GetTensor("a"))|};
            };

            public Func<int> Later(string path)
            {
                using var file = SafeTensorsFile.Open(path);
                var view = file.GetMemory(file.GetTensor("a"));
                return () => {|PK4001:view|}.Length;
            }
        }
        """);

    [Fact]
    public Task Names_the_member_how_it_escapes_and_the_file() => VerifyCS.Analyzer("""
        using System;
        using ParameterKit.SafeTensors;

        static class Loader
        {
            public static ReadOnlyMemory<byte> Load(string path)
            {
                using var checkpoint = SafeTensorsFile.Open(path);
                return checkpoint.GetMemory(checkpoint.GetTensor("x"));
            }
        }
        """, VerifyCS.Diagnostic().WithSpan(9, 16, 9, 63).WithArguments("GetMemory", "returned", "checkpoint"));

    [Fact]
    public Task Accepts_copies_use_inside_the_scope_and_files_that_outlive_the_method() => VerifyCS.Analyzer("""
        using System;
        using ParameterKit.SafeTensors;

        sealed class Loader : IDisposable
        {
            private readonly SafeTensorsFile _file;

            public Loader(string path) => _file = SafeTensorsFile.Open(path);

            public ReadOnlySpan<byte> View(string name) => _file.GetBytes(name);

            public static byte[] Copy(string path)
            {
                using var file = SafeTensorsFile.Open(path);
                return file.GetBytes("wte.weight").ToArray();
            }

            public static float[] Singles(string path)
            {
                using var file = SafeTensorsFile.Open(path);
                return file.ReadSingles("wte.weight");
            }

            public static int Sum(string path)
            {
                using var file = SafeTensorsFile.Open(path);
                var bytes = file.GetBytes("wte.weight");
                int sum = 0;
                foreach (var b in bytes)
                {
                    sum += b;
                }
                var memory = file.GetMemory(file.GetTensor("b"));
                var copy = memory.ToArray();
                return sum + copy.Length;
            }

            public static int InLambda(string path)
            {
                using var file = SafeTensorsFile.Open(path);
                Func<int> length = () => file.GetMemory(file.GetTensor("a")).Length;
                return length();
            }

            public void Dispose() => _file.Dispose();
        }
        """);

    [Fact]
    public Task Fix_copies_returned_and_stored_views_and_fixes_all_but_leaves_captures() => VerifyCS.CodeFix<CopyViewCodeFix>("""
        using System;
        using ParameterKit.SafeTensors;

        sealed class Loader
        {
            private ReadOnlyMemory<byte> _cached;

            public ReadOnlySpan<byte> Bytes(string path)
            {
                using var file = SafeTensorsFile.Open(path);
                return {|PK4001:file.GetBytes("wte.weight")|};
            }

            public Func<int> Keep(string path)
            {
                using var file = SafeTensorsFile.Open(path);
                var view = file.GetMemory(file.GetTensor("b"));
                _cached = {|PK4001:view|};
                return () => {|PK4001:view|}.Length;
            }
        }
        """, """
        using System;
        using ParameterKit.SafeTensors;

        sealed class Loader
        {
            private ReadOnlyMemory<byte> _cached;

            public ReadOnlySpan<byte> Bytes(string path)
            {
                using var file = SafeTensorsFile.Open(path);
                return file.GetBytes("wte.weight").ToArray();
            }

            public Func<int> Keep(string path)
            {
                using var file = SafeTensorsFile.Open(path);
                var view = file.GetMemory(file.GetTensor("b"));
                _cached = view.ToArray();
                return () => {|PK4001:view|}.Length;
            }
        }
        """);
}
