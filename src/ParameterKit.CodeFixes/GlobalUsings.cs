// The namespaces every code fix here uses (ImplicitUsings is off for this netstandard2.0 Roslyn component), imported
// once so each fix file opens with what is particular to it.
global using System;
global using System.Composition;
global using Microsoft.CodeAnalysis;
global using Microsoft.CodeAnalysis.CodeFixes;
global using Microsoft.CodeAnalysis.CSharp;
global using Microsoft.CodeAnalysis.CSharp.Syntax;
global using ParameterKit.Analyzers;
