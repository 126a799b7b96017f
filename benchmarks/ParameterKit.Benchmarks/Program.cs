using BenchmarkDotNet.Running;

// Run one or all benchmarks: dotnet run -c Release --project benchmarks/ParameterKit.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

/// <summary>Entry point holder so BenchmarkSwitcher can find this assembly.</summary>
public partial class Program;
