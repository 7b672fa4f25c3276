/** What `kiln tracking init` writes: every key with its default, and what it means. */
export const DEFAULT_TRACKING_YML = `# Run tracking for \`kiln run\` (@kiln/tracking). Every key is optional: these are the defaults.
# Each run is recorded with its parameters, tags (git commit, pipeline, command, env, user),
# node timings, lineage, logs, metrics and artifacts. Browse them with \`kiln tracking runs\`,
# \`kiln tracking show RUN\` and \`kiln tracking compare RUN RUN\`. All keys: docs/tracking.md.

enabled: true              # false: nothing is recorded (metric datasets then save nothing)

store:
  # Where runs go: a SQLite file (relative to the project; several \`kiln run\` at once are safe),
  uri: sqlite:///.kiln/tracking.db
  # or a PostgreSQL database for a team: name an entry of credentials.yml that holds the
  # connection string, e.g. \`tracking_db: { con: "postgresql://user:password@host:5432/db" }\`.
  # Its \`con\` replaces \`uri\`; the password never appears in output.
  credentials: null

artifacts:
  # Files that tracking.ArtifactDataset logs: a folder (relative to the project) or s3://bucket/prefix.
  location: .kiln/artifacts
  credentials: null        # for s3://: an entry of credentials.yml (key, secret, endpoint_url, region)

experiment:
  name: null               # runs are grouped by experiment; null: the project's name

run:
  name: null               # null: the pipeline's name; may use {pipeline}, {env}, {user}, {run_id}

pipelines:
  skip: []                 # registered pipelines whose runs are not recorded, e.g. [data_generation]

params:
  flatten: true            # nested parameters become keys like model_options.test_size
  separator: "."
  max_depth: null          # flatten this many levels, store deeper mappings as JSON; null: all
  long_values: truncate    # a value over max_length: truncate (with a warning) or fail the run
  max_length: 6000

logs: true                 # keep the run's log lines with it (kiln tracking show RUN --logs)

model:
  # A pipeline registered as pipelineML({ training, inference, inputName }) is packaged as a model
  # after each successful run (the run's artifact "model": kiln models predict -m runs:/RUN/model).
  registered_model_name: null   # a name registers each packaged model as its next version (models:/NAME/1)
  promote:
    alias: null                 # e.g. champion: models:/NAME@champion then serves the version it points at
    metric: null                # e.g. r2_score: the alias moves when a new version's run beats the current one's;
                                # null: the alias is set only while it points nowhere (the first version)
    greater_is_better: true
`;
