# make-tree.py ROOT N [SHAPE]: a tree of N entries for the --chown benchmark.
#   half      (default) directories of 99 files, root's; every other file already 65534:65534 (nobody)
#   none      the same shape, every entry root's (a first start on a restored volume)
#   user-dirs the same as half, but every directory is nobody's (the walk changes files through fds)
#   flat      one directory holding N-1 files, root's
import os, sys
root = sys.argv[1]; n = int(sys.argv[2]); shape = sys.argv[3] if len(sys.argv) > 3 else 'half'
os.makedirs(root)
if shape == 'flat':
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    for i in range(n - 1):
        os.close(os.open('f%d' % i, os.O_CREAT | os.O_WRONLY, 0o644, dir_fd=fd))
    sys.exit(0)
count = 0; i = 0
while count < n:
    d = os.path.join(root, 'd%d' % i); os.mkdir(d); count += 1; i += 1
    if shape == 'user-dirs': os.chown(d, 65534, 65534)
    for j in range(99):
        if count >= n: break
        p = os.path.join(d, 'f%d' % j)
        open(p, 'w').close()
        if count % 2 == 0 and shape != 'none': os.chown(p, 65534, 65534)
        count += 1
if shape == 'user-dirs': os.chown(root, 65534, 65534)
