# actbench figure "Claim 6: exp() makes sigmoid, tanh, ELU and GELU more expensive than ReLU": 3 panels
#   panel 1: "cost of f and f' per element, median of repeats"
#   panel 2: "a whole training step over relu's, SLEEF's vector maths"
#   panel 3: "a whole training step over relu's, glibc's scalar maths"
# The data is inline; the script needs nothing else.
# re-render from the run folder: gnuplot plots/06-exp-cost.gp
# (writes plots/06-exp-cost.png)

set encoding utf8
set datafile missing "NaN"

# data blocks, one per series: x y [ylo yhi]; a blank line is a gap
# panel 1, "ns per element (f + f'), math=libc"
$d1 << EOD
1 0.265431406
2 0.197857855
3 3.93956566
4 21.3544893
5 14.0453892
6 19.5831137
7 20.8175888
8 3.44670677
9 19.909461
10 14.3569517
11 35.4894848
EOD
# panel 1, "ns per element (f + f'), math=sleef"
$d2 << EOD
1 0.287512777
2 0.203235626
3 0.570127487
4 1.3369484
5 1.67150116
6 2.74607372
7 1.81599808
8 0.785062789
9 1.90783024
10 1.7850523
11 3.1868906
EOD
# panel 2, "relu"
$d3 << EOD
64 1
256 1
1024 1
EOD
# panel 2, "leaky_relu"
$d4 << EOD
64 0.993017369
256 1.00612098
1024 1.02588116
EOD
# panel 2, "sigmoid"
$d5 << EOD
64 1.07275711
256 1.03054382
1024 1.02173088
EOD
# panel 2, "tanh"
$d6 << EOD
64 1.2328024
256 1.06483011
1024 1.08145274
EOD
# panel 2, "elu"
$d7 << EOD
64 1.27917357
256 1.0805053
1024 1.07218514
EOD
# panel 2, "gelu"
$d8 << EOD
64 1.43029076
256 1.13188895
1024 1.03396453
EOD
# panel 2, "gelu_tanh"
$d9 << EOD
64 1.28465754
256 1.08518959
1024 1.01205669
EOD
# panel 2, "silu"
$d10 << EOD
64 1.06043888
256 1.02665059
1024 1.05675039
EOD
# panel 2, "softplus"
$d11 << EOD
64 1.23998619
256 1.07907782
1024 1.07394572
EOD
# panel 2, "selu"
$d12 << EOD
64 1.24162597
256 1.0928791
1024 1.08934582
EOD
# panel 2, "mish"
$d13 << EOD
64 1.51438933
256 1.1656852
1024 1.09208766
EOD
# panel 3, "relu"
$d14 << EOD
64 1
256 1
1024 1
EOD
# panel 3, "leaky_relu"
$d15 << EOD
64 0.970284064
256 0.988791068
1024 1.02214644
EOD
# panel 3, "sigmoid"
$d16 << EOD
64 1.41080154
256 1.10357384
1024 1.03118916
EOD
# panel 3, "tanh"
$d17 << EOD
64 3.22697571
256 1.59703848
1024 1.15849398
EOD
# panel 3, "elu"
$d18 << EOD
64 2.65440697
256 1.53404723
1024 1.12992362
EOD
# panel 3, "gelu"
$d19 << EOD
64 1.96011395
256 1.28620031
1024 1.08970875
EOD
# panel 3, "gelu_tanh"
$d20 << EOD
64 2.81314974
256 1.55918709
1024 1.12134029
EOD
# panel 3, "silu"
$d21 << EOD
64 1.41718096
256 1.11413797
1024 1.03749801
EOD
# panel 3, "softplus"
$d22 << EOD
64 3.2437496
256 1.68167113
1024 1.17478027
EOD
# panel 3, "selu"
$d23 << EOD
64 2.84848718
256 1.57712017
1024 1.1479608
EOD
# panel 3, "mish"
$d24 << EOD
64 6.14201837
256 2.56096949
1024 1.36450617
EOD

set terminal pngcairo size 1280,1140 enhanced font "sans,10"
set output 'plots/06-exp-cost.png'
set multiplot layout 2,2 title "Claim 6: exp() makes sigmoid, tanh, ELU and GELU more expensive than ReLU" noenhanced font ",12"

# ---- panel 1: "cost of f and f' per element, median of repeats"
set title "cost of f and f' per element, median of repeats" noenhanced
set xlabel "activation" noenhanced
set ylabel "ns per element (f + f')" noenhanced
set grid
unset label
set bmargin 11.56
set xtics rotate by 90 right noenhanced ("relu" 1, "leaky_relu" 2, "sigmoid" 3, "tanh" 4, "elu" 5, "gelu" 6, "gelu_tanh" 7, "silu" 8, "softplus" 9, "selu" 10, "mish" 11)
set xrange [0.5:11.5]
set offsets 0, 0, 0, 0
unset logscale x
set logscale y
set format y "10^{%L}"
set autoscale y
set key outside below center vertical maxrows 2 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d1 using 1:2 with points lc rgb "#1f77b4" pt 7 ps 1.2 title "ns per element (f + f'), math=libc" noenhanced, \
     $d2 using 1:2 with points lc rgb "#ff7f0e" pt 5 ps 1.2 title "ns per element (f + f'), math=sleef" noenhanced

# ---- panel 2: "a whole training step over relu's, SLEEF's vector maths"
set title "a whole training step over relu's, SLEEF's vector maths" noenhanced
set xlabel "width (units per layer)" noenhanced
set ylabel "training step time / relu's" noenhanced
set grid
unset label
set bmargin 11.56
set xtics norotate autojustify enhanced
set autoscale x
set xtics autofreq
set format x "% h"
unset logscale x
set autoscale x
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
unset logscale y
set format y "% h"
set autoscale y
set offsets graph 0.03, graph 0.03, graph 0.04, graph 0.04
set key outside below center vertical maxrows 3 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d3 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 1 pt 7 ps 0.8 title "relu" noenhanced, \
     $d4 using 1:2 with linespoints lc rgb "#ff7f0e" lw 1.5 dt 1 pt 5 ps 0.8 title "leaky_relu" noenhanced, \
     $d5 using 1:2 with linespoints lc rgb "#2ca02c" lw 1.5 dt 1 pt 9 ps 0.8 title "sigmoid" noenhanced, \
     $d6 using 1:2 with linespoints lc rgb "#d62728" lw 1.5 dt 1 pt 11 ps 0.8 title "tanh" noenhanced, \
     $d7 using 1:2 with linespoints lc rgb "#9467bd" lw 1.5 dt 1 pt 13 ps 0.8 title "elu" noenhanced, \
     $d8 using 1:2 with linespoints lc rgb "#8c564b" lw 1.5 dt 1 pt 15 ps 0.8 title "gelu" noenhanced, \
     $d9 using 1:2 with linespoints lc rgb "#e377c2" lw 1.5 dt 1 pt 7 ps 0.8 title "gelu_tanh" noenhanced, \
     $d10 using 1:2 with linespoints lc rgb "#17becf" lw 1.5 dt 1 pt 5 ps 0.8 title "silu" noenhanced, \
     $d11 using 1:2 with linespoints lc rgb "#bcbd22" lw 1.5 dt 1 pt 9 ps 0.8 title "softplus" noenhanced, \
     $d12 using 1:2 with linespoints lc rgb "#000000" lw 1.5 dt 1 pt 11 ps 0.8 title "selu" noenhanced, \
     $d13 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 4 pt 13 ps 0.8 title "mish" noenhanced

# ---- panel 3: "a whole training step over relu's, glibc's scalar maths"
set title "a whole training step over relu's, glibc's scalar maths" noenhanced
set xlabel "width (units per layer)" noenhanced
set ylabel "training step time / relu's" noenhanced
set grid
unset label
set bmargin 7.10
set xtics autofreq
set format x "% h"
unset logscale x
set autoscale x
set autoscale xfix
set offsets graph 0.03, graph 0.03, 0, 0
unset logscale y
set format y "% h"
set autoscale y
set offsets graph 0.03, graph 0.03, graph 0.04, graph 0.04
set key outside below center vertical maxrows 3 maxcols auto Left reverse box opaque noenhanced samplen 2.5 spacing 1.1 width 1
plot $d14 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 1 pt 7 ps 0.8 title "relu" noenhanced, \
     $d15 using 1:2 with linespoints lc rgb "#ff7f0e" lw 1.5 dt 1 pt 5 ps 0.8 title "leaky_relu" noenhanced, \
     $d16 using 1:2 with linespoints lc rgb "#2ca02c" lw 1.5 dt 1 pt 9 ps 0.8 title "sigmoid" noenhanced, \
     $d17 using 1:2 with linespoints lc rgb "#d62728" lw 1.5 dt 1 pt 11 ps 0.8 title "tanh" noenhanced, \
     $d18 using 1:2 with linespoints lc rgb "#9467bd" lw 1.5 dt 1 pt 13 ps 0.8 title "elu" noenhanced, \
     $d19 using 1:2 with linespoints lc rgb "#8c564b" lw 1.5 dt 1 pt 15 ps 0.8 title "gelu" noenhanced, \
     $d20 using 1:2 with linespoints lc rgb "#e377c2" lw 1.5 dt 1 pt 7 ps 0.8 title "gelu_tanh" noenhanced, \
     $d21 using 1:2 with linespoints lc rgb "#17becf" lw 1.5 dt 1 pt 5 ps 0.8 title "silu" noenhanced, \
     $d22 using 1:2 with linespoints lc rgb "#bcbd22" lw 1.5 dt 1 pt 9 ps 0.8 title "softplus" noenhanced, \
     $d23 using 1:2 with linespoints lc rgb "#000000" lw 1.5 dt 1 pt 11 ps 0.8 title "selu" noenhanced, \
     $d24 using 1:2 with linespoints lc rgb "#1f77b4" lw 1.5 dt 4 pt 13 ps 0.8 title "mish" noenhanced

unset multiplot
unset output
