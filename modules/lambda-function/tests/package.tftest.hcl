# The two package shapes: a local zip (`file`) or an object in an artifact bucket (`s3`), and the
# rule that exactly one of them is set.

mock_provider "aws" {
  override_during = plan
  source          = "./tests/mocks"
}

variables {
  name = "orders-handler"
}

run "local_file" {
  command = plan

  variables {
    package = { file = "tests/fixtures/handler.zip" }
  }

  assert {
    condition     = aws_lambda_function.this.filename == "tests/fixtures/handler.zip" && aws_lambda_function.this.s3_bucket == null && aws_lambda_function.this.s3_key == null
    error_message = "a file package must set filename only"
  }

  assert {
    # sha256sum handler.zip = 248757ad...d74f; base64 of the same 32 bytes:
    condition     = aws_lambda_function.this.source_code_hash == "JIdXrR+f77ksRaIJR8fk10yfsFLRQ04gDTf7tI0e108="
    error_message = "source_code_hash must be the zip's base64 SHA-256"
  }
}

run "s3_object_with_version" {
  command = plan

  variables {
    package = {
      s3 = {
        bucket  = "platform-artifacts"
        key     = "lambda-blueprints/1.0.0/functions/hello-x86_64.zip"
        version = "3HL4kqtJlcpXroDTDmjVBH40Nrjfkd"
        sha256  = "248757ad1f9fefb92c45a20947c7e4d74c9fb052d1434e200d37fbb48d1ed74f"
      }
    }
  }

  assert {
    condition     = aws_lambda_function.this.filename == null && aws_lambda_function.this.s3_bucket == "platform-artifacts" && aws_lambda_function.this.s3_key == "lambda-blueprints/1.0.0/functions/hello-x86_64.zip" && aws_lambda_function.this.s3_object_version == "3HL4kqtJlcpXroDTDmjVBH40Nrjfkd"
    error_message = "an s3 package must set s3_bucket/s3_key/s3_object_version and no filename"
  }

  assert {
    # The hex digest from SHA256SUMS re-encoded as base64: the same value as the local-file
    # run above, so moving a function from a local zip to the released artifact plans no update.
    condition     = aws_lambda_function.this.source_code_hash == "JIdXrR+f77ksRaIJR8fk10yfsFLRQ04gDTf7tI0e108="
    error_message = "source_code_hash must be the hex sha256 re-encoded as base64"
  }
}

run "s3_object_upper_case_hex_without_version" {
  command = plan

  variables {
    package = {
      s3 = {
        bucket = "platform-artifacts"
        key    = "x.zip"
        sha256 = "2D711642B726B04401627CA9FBAC32F5C8530FB1903CC4DB02258717921A4881"
      }
    }
  }

  assert {
    # sha256("x")
    condition     = aws_lambda_function.this.source_code_hash == "LXEWQrcmsEQBYnyp+6wy9chTD7GQPMTbAiWHF5IaSIE=" && aws_lambda_function.this.s3_object_version == null
    error_message = "upper-case hex must convert too; no version means the latest object"
  }
}

run "rejects_both_file_and_s3" {
  command = plan

  variables {
    package = {
      file = "tests/fixtures/handler.zip"
      s3   = { bucket = "platform-artifacts", key = "x.zip", sha256 = "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881" }
    }
  }

  expect_failures = [var.package]
}

run "rejects_neither_file_nor_s3" {
  command = plan

  variables {
    package = {}
  }

  expect_failures = [var.package]
}

run "rejects_s3_without_valid_sha256" {
  command = plan

  variables {
    package = { s3 = { bucket = "platform-artifacts", key = "x.zip", sha256 = "JIdXrR+f77ksRaIJR8fk10yfsFLRQ04gDTf7tI0e108=" } }
  }

  expect_failures = [var.package]
}

run "rejects_s3_bad_bucket_name" {
  command = plan

  variables {
    package = { s3 = { bucket = "Platform_Artifacts", key = "x.zip", sha256 = "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881" } }
  }

  expect_failures = [var.package]
}
