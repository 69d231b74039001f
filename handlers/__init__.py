"""Dialog handlers, one module per conversation; `pipeline.build_pipeline` fixes their order."""
