		   arg2, arg3);
	return 0;
