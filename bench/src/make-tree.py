# make-tree.py ROOT N: a tree of N entries (directories of 99 files), every other file already owned by
# 65534:65534 (nobody), the rest by root: the --chown benchmark's "half already owned" volume.
import os, sys
root = sys.argv[1]; n = int(sys.argv[2])
os.makedirs(root)
count = 0; i = 0
while count < n:
    d = os.path.join(root, 'd%d' % i); os.mkdir(d); count += 1; i += 1
    for j in range(99):
        if count >= n: break
        p = os.path.join(d, 'f%d' % j)
        open(p, 'w').close()
        if count % 2 == 0: os.chown(p, 65534, 65534)
        count += 1
