System.Console.WriteLine("ShapeBugs is built to show ConvAnalyzers' diagnostics; it is not meant to run.");
