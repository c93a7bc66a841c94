"""Uploads files in parts of chosen sizes with boto3's low-level calls, as SDK users do.

Reads one JSON document on stdin:
  {"endpoint", "region", "accessKeyId", "secretAccessKey", "bucket",
   "objects": [{"key", "file", "parts": [sizes], "algorithm"?, "partChecksums"?, "kmsKeyId"?}]}
"algorithm" names the upload's checksum (botocore computes each part's, unless
"partChecksums" gives them: botocore computes CRC32C only with awscrt installed); without
it, no checksum is sent at all. Prints {"<key>": "<ETag>"} on stdout.
"""
import json
import sys

import boto3
from botocore.config import Config


def client(spec, checksums):
    return boto3.client(
        "s3",
        endpoint_url=spec["endpoint"],
        region_name=spec["region"],
        aws_access_key_id=spec["accessKeyId"],
        aws_secret_access_key=spec["secretAccessKey"],
        config=Config(
            s3={"addressing_style": "path"},
            request_checksum_calculation="when_supported" if checksums else "when_required",
            retries={"max_attempts": 1},
        ),
    )


def upload(s3, bucket, obj):
    algorithm = obj.get("algorithm")
    create = {"Bucket": bucket, "Key": obj["key"], "ContentType": "application/octet-stream"}
    if algorithm:
        create["ChecksumAlgorithm"] = algorithm
    if obj.get("kmsKeyId"):
        create["ServerSideEncryption"] = "aws:kms"
        create["SSEKMSKeyId"] = obj["kmsKeyId"]
    upload_id = s3.create_multipart_upload(**create)["UploadId"]
    parts = []
    with open(obj["file"], "rb") as f:
        for number, size in enumerate(obj["parts"], start=1):
            request = {"Bucket": bucket, "Key": obj["key"], "UploadId": upload_id, "PartNumber": number, "Body": f.read(size)}
            given = obj.get("partChecksums")
            if given:
                request["Checksum" + algorithm] = given[number - 1]
            elif algorithm:
                request["ChecksumAlgorithm"] = algorithm
            answer = s3.upload_part(**request)
            part = {"PartNumber": number, "ETag": answer["ETag"]}
            if algorithm:
                part["Checksum" + algorithm] = given[number - 1] if given else answer["Checksum" + algorithm]
            parts.append(part)
    done = s3.complete_multipart_upload(Bucket=bucket, Key=obj["key"], UploadId=upload_id, MultipartUpload={"Parts": parts})
    return done["ETag"]


def main():
    spec = json.load(sys.stdin)
    with_checksums, without = client(spec, True), client(spec, False)
    etags = {}
    for obj in spec["objects"]:
        s3 = with_checksums if obj.get("algorithm") else without
        etags[obj["key"]] = upload(s3, spec["bucket"], obj)
    json.dump(etags, sys.stdout)


main()
