"""The report's sections: one module per section, each with its view model and builder.

Each builder turns analysis results into the section's view model (a dataclass of
tables and texts) without writing any file, so the same view models serve the offline
HTML report and a page served by the API.
"""
