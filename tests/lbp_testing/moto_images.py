"""An image moto registers in every region, for unit tests that launch instances.

`describe_images()` lists all of moto's 1,291 images: ≈ 1.2 CPU-seconds a call, which was most of
a moto-backed test's set-up.
"""

MOTO_AMI = "ami-03cf127a"
