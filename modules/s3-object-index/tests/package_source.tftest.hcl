# Both functions deployed from released artifacts in an artifact bucket, built for arm64.

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks"
}

variables {
  layers       = { powertools = "arn:aws:lambda:us-east-1:123456789012:layer:powertools:1" }
  name         = "photos"
  architecture = "arm64"
  buckets = {
    uploads = { name = "photos-uploads-123" }
  }
  packages = {
    indexer = { s3 = { bucket = "platform-artifacts", key = "lambda-blueprints/1.0.0/functions/s3_object_index-arm64.zip", version = "v1", sha256 = "248757ad1f9fefb92c45a20947c7e4d74c9fb052d1434e200d37fbb48d1ed74f" } }
    api     = { s3 = { bucket = "platform-artifacts", key = "lambda-blueprints/1.0.0/functions/s3_object_index_api-arm64.zip", sha256 = "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881" } }
  }
}

run "functions_from_s3_on_arm64" {
  command = plan

  assert {
    condition     = module.indexer.function_name == "photos-indexer"
    error_message = "the indexer is planned"
  }

  assert {
    condition = (
      module.indexer.package.bucket == "platform-artifacts"
      && module.indexer.package.key == "lambda-blueprints/1.0.0/functions/s3_object_index-arm64.zip"
      && module.indexer.package.version == "v1" && module.indexer.package.file == null
      && module.indexer.package.source_code_hash == "JIdXrR+f77ksRaIJR8fk10yfsFLRQ04gDTf7tI0e108="
      && module.api[0].package.key == "lambda-blueprints/1.0.0/functions/s3_object_index_api-arm64.zip"
    )
    error_message = "each function deploys its own S3 object, with the hash taken from its sha256"
  }

  assert {
    condition     = module.indexer.architecture == "arm64" && module.api[0].architecture == "arm64"
    error_message = "architecture reaches both functions"
  }
}

run "rejects_a_function_with_both_sources" {
  command = plan

  variables {
    packages = {
      indexer = { file = "../lambda-function/tests/fixtures/handler.zip", s3 = { bucket = "platform-artifacts", key = "x.zip", sha256 = "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881" } }
      api     = { file = "../lambda-function/tests/fixtures/handler.zip" }
    }
  }

  expect_failures = [var.packages]
}

run "rejects_arm" {
  command = plan

  variables {
    architecture = "arm"
  }

  expect_failures = [var.architecture]
}
