
accepted with warnings