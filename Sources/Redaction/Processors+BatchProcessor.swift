import Pipeline

extension Processors: BatchProcessor {}
