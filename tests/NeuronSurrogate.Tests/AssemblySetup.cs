using System.Globalization;

[assembly: Parallelize(Scope = ExecutionScope.ClassLevel, Workers = 2)]

namespace NeuronSurrogate.Tests;

[TestClass]
public static class AssemblySetup
{
    /// <summary>Numbers in files are invariant-culture by contract; the tests run that way whatever the machine's locale.</summary>
    [AssemblyInitialize]
    public static void Initialize(TestContext context)
    {
        _ = context;
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;
    }
}
